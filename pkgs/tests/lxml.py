"""lxml under the WASIX CPython: parsing, XPath, XSLT and validation in libxml2 and libxslt,
linked into lxml.etree."""

import io

from lxml import etree, objectify

assert etree.__file__.endswith(".so"), etree.__file__
print("lxml", etree.__version__, "from", etree.__file__)
print("libxml2", etree.LIBXML_VERSION, "(compiled against", etree.LIBXML_COMPILED_VERSION,
      "), libxslt", etree.LIBXSLT_VERSION)
assert etree.LIBXML_VERSION == etree.LIBXML_COMPILED_VERSION, "another libxml2 is loaded"

catalog = b"""<?xml version="1.0" encoding="UTF-8"?>
<catalog xmlns="urn:books" xmlns:x="urn:extra">
  <book id="b1" year="1999"><title>Gr\xc3\xbc\xc3\x9fe aus Z\xc3\xbcrich</title><price>12.50</price></book>
  <book id="b2" year="2011"><title>WebAssembly</title><price>40.00</price><x:note>new</x:note></book>
  <book id="b3" year="2005"><title>Threads &amp; Sockets</title><price>7.25</price></book>
</catalog>"""

# parsing: UTF-8 text, namespaces, entities, tail text, a re-serialisation
root = etree.fromstring(catalog)
ns = {"b": "urn:books", "x": "urn:extra"}
assert root.tag == "{urn:books}catalog" and len(root) == 3
assert root[0].findtext("b:title", namespaces=ns) == "Gr\u00fc\u00dfe aus Z\u00fcrich"
assert root[2].findtext("b:title", namespaces=ns) == "Threads & Sockets"
again = etree.fromstring(etree.tostring(root))
assert etree.tostring(again, method="c14n") == etree.tostring(root, method="c14n")
print("parse: 3 books, UTF-8 and entities, c14n stable")

# XPath: functions, predicates, namespaces, compiled expressions, variables
titles = root.xpath("//b:book[number(b:price) > 10]/b:title/text()", namespaces=ns)
assert titles == ["Gr\u00fc\u00dfe aus Z\u00fcrich", "WebAssembly"], titles
assert root.xpath("sum(//b:price)", namespaces=ns) == 59.75
assert root.xpath("count(//x:note)", namespaces=ns) == 1.0
newer = etree.XPath("//b:book[@year > $y]/@id", namespaces=ns)
assert newer(root, y=2000) == ["b2", "b3"]
print("xpath: titles", titles, "sum 59.75, variables")

# XSLT with a parameter, sorting and an EXSLT function
xslt = etree.XSLT(etree.XML(b"""<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:b="urn:books"
    xmlns:math="http://exslt.org/math" extension-element-prefixes="math">
  <xsl:param name="currency" select="'EUR'"/>
  <xsl:template match="/b:catalog">
    <report max="{math:max(b:book/b:price)}">
      <xsl:for-each select="b:book">
        <xsl:sort select="@year" data-type="number" order="descending"/>
        <item year="{@year}"><xsl:value-of select="concat(b:title, ': ', b:price, ' ', $currency)"/></item>
      </xsl:for-each>
    </report>
  </xsl:template>
</xsl:stylesheet>"""))
report = xslt(etree.ElementTree(root), currency=etree.XSLT.strparam("CHF"))
items = report.getroot()
assert items.get("max") == "40" and [i.get("year") for i in items] == ["2011", "2005", "1999"]
assert items[0].text == "WebAssembly: 40.00 CHF", items[0].text
print("xslt:", items[0].text, "| EXSLT math:max =", items.get("max"))

# building, pretty printing, iterparse, HTML, objectify, schema validation, errors
E = etree.Element
doc = E("doc")
for i in range(3):
    etree.SubElement(doc, "n", v=str(i)).text = "\u20ac" * i
text = etree.tostring(doc, encoding="iso-8859-15", xml_declaration=True)
assert b"encoding='iso-8859-15'" in text and b"\xa4\xa4" in text, text
assert etree.fromstring(text)[2].text == "\u20ac\u20ac"
events = [(ev, el.tag) for ev, el in etree.iterparse(io.BytesIO(catalog), events=("end",),
                                                     tag="{urn:books}book")]
assert len(events) == 3
html = etree.HTML("<p>unclosed <b>bold<br>text</p>")
assert html.xpath("string(//b)") == "boldtext"
obj = objectify.fromstring(b"<r><a>3</a><b>2.5</b><c>true</c></r>")
assert obj.a + 1 == 4 and obj.b * 2 == 5.0 and obj.c is not None and bool(obj.c)
schema = etree.XMLSchema(etree.XML(b"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="n" type="xs:positiveInteger"/></xs:schema>"""))
assert schema.validate(etree.XML(b"<n>5</n>")) and not schema.validate(etree.XML(b"<n>-1</n>"))
try:
    etree.fromstring(b"<a><b></a>")
except etree.XMLSyntaxError as exc:
    print("malformed XML refused:", exc.msg)
else:
    raise AssertionError("malformed XML was accepted")
print("serialise ISO-8859-15, iterparse, HTML, objectify, XML Schema: OK")
print("lxml test OK")
