/* libxslt test: parse a small XML document and an XSLT stylesheet (a template per element,
 * xsl:for-each with xsl:sort, xsl:if, a parameter, xsl:value-of with XPath functions), apply
 * it with a parameter passed from C, serialize the result as text and check it line by line;
 * an EXSLT function (math:max) through libexslt; a stylesheet with an XPath syntax error
 * must be refused. */
#include <stdio.h>
#include <string.h>
#include <libexslt/exslt.h>
#include <libxml/parser.h>
#include <libxslt/transform.h>
#include <libxslt/xslt.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

static const char xml[] =
    "<inventory>"
    "<item name=\"bolt\" qty=\"120\" price=\"0.25\"/>"
    "<item name=\"anchor\" qty=\"3\" price=\"12.50\"/>"
    "<item name=\"clamp\" qty=\"0\" price=\"4\"/>"
    "<item name=\"drill\" qty=\"7\" price=\"89.90\"/>"
    "</inventory>";

static const char xsl[] =
    "<xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\""
    " xmlns:math=\"http://exslt.org/math\" extension-element-prefixes=\"math\">"
    "<xsl:output method=\"text\"/>"
    "<xsl:param name=\"title\" select=\"'none'\"/>"
    "<xsl:template match=\"/inventory\">"
    "<xsl:value-of select=\"$title\"/><xsl:text>&#10;</xsl:text>"
    "<xsl:for-each select=\"item[@qty &gt; 0]\">"
    "<xsl:sort select=\"@name\"/>"
    "<xsl:value-of select=\"concat(position(), '. ', translate(@name, 'abcdefghijklmnopqrstuvwxyz',"
    " 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), ' = ', format-number(@qty * @price, '0.00'))\"/>"
    "<xsl:if test=\"@qty &lt; 5\"><xsl:text> (low)</xsl:text></xsl:if>"
    "<xsl:text>&#10;</xsl:text>"
    "</xsl:for-each>"
    "<xsl:value-of select=\"concat('items: ', count(item), ', max price: ',"
    " math:max(item/@price))\"/>"
    "</xsl:template>"
    "</xsl:stylesheet>";

static const char expected[] =
    "Stock report\n"
    "1. ANCHOR = 37.50 (low)\n"
    "2. BOLT = 30.00\n"
    "3. DRILL = 629.30\n"
    "items: 4, max price: 89.9";

int main(void) {
    printf("libxslt %s (libexslt %s), libxml2 %s\n", xsltEngineVersion, exsltLibraryVersion,
           xmlParserVersion);
    exsltRegisterAll();
    xmlDocPtr style_doc = xmlReadMemory(xsl, (int)strlen(xsl), "report.xsl", NULL, 0);
    xsltStylesheetPtr style = style_doc ? xsltParseStylesheetDoc(style_doc) : NULL;
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "inventory.xml", NULL, 0);
    if (style == NULL || doc == NULL) { printf("parsing failed\n"); return 1; }

    const char *params[] = {"title", "'Stock report'", NULL};
    xmlDocPtr result = xsltApplyStylesheet(style, doc, params);
    if (result == NULL) { printf("transformation failed\n"); return 2; }
    xmlChar *out = NULL;
    int len = 0;
    if (xsltSaveResultToString(&out, &len, result, style) != 0 || out == NULL) {
        printf("serialization failed\n");
        return 3;
    }
    printf("--- result (%d bytes) ---\n%s\n---\n", len, out);
    if (strcmp((char *)out, expected) != 0) { printf("unexpected result\n"); return 4; }
    xmlFree(out);
    xmlFreeDoc(result);
    xmlFreeDoc(doc);
    xsltFreeStylesheet(style);

    /* a stylesheet with an XPath syntax error must be refused */
    static const char bad[] =
        "<xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\">"
        "<xsl:template match=\"/\"><xsl:value-of select=\"count((item\"/></xsl:template>"
        "</xsl:stylesheet>";
    xmlDocPtr bad_doc = xmlReadMemory(bad, (int)strlen(bad), "bad.xsl", NULL, 0);
    xsltStylesheetPtr bad_style = bad_doc ? xsltParseStylesheetDoc(bad_doc) : NULL;
    if (bad_doc == NULL || (bad_style != NULL && bad_style->errors == 0)) {
        printf("broken stylesheet accepted\n");
        return 5;
    }
    /* (whether a refused document is freed by libxslt differs between releases: leak it) */
    if (bad_style != NULL) xsltFreeStylesheet(bad_style);
    printf("broken stylesheet refused\n");
    xmlFreeDoc(bad_doc);

    xsltCleanupGlobals();
    xmlCleanupParser();
    printf("libxslt transform OK\n");
    return 0;
}
