/* libxml2 test: parse a small XML document from memory (namespaces, attributes, an entity,
 * CDATA), walk the tree, run XPath queries (a node set with a predicate, count(), sum(), a
 * namespaced path, a string function), change the tree and serialize it, parse the result
 * again; read an ISO-8859-15 document (the euro sign); a malformed document must be refused
 * with a structured error. */
#include <stdio.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

static const char doc_text[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE library [<!ENTITY pub \"Wasm Press\">]>\n"
    "<library xmlns:x=\"urn:example:extra\">\n"
    "  <book id=\"b1\" year=\"2019\"><title>WebAssembly Basics</title><price>30</price>"
    "<x:note>&pub;</x:note></book>\n"
    "  <book id=\"b2\" year=\"2023\"><title>POSIX on Wasm</title><price>45.5</price></book>\n"
    "  <book id=\"b3\" year=\"2024\"><title><![CDATA[Threads & <Sockets>]]></title>"
    "<price>12</price></book>\n"
    "</library>\n";

static int errors;
static char last_error[256];
static void on_error(void *user, const xmlError *e) {
    (void)user;
    errors++;
    snprintf(last_error, sizeof last_error, "line %d: %s", e->line, e->message);
}

static xmlXPathObjectPtr eval(xmlXPathContextPtr ctx, const char *expr) {
    xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
    if (r == NULL) printf("XPath %s failed\n", expr);
    return r;
}

int main(void) {
    LIBXML_TEST_VERSION
    printf("libxml2 %s\n", xmlParserVersion);
    xmlDocPtr doc = xmlReadMemory(doc_text, (int)strlen(doc_text), "library.xml", NULL,
                                  XML_PARSE_NOENT | XML_PARSE_NONET);
    if (doc == NULL) { printf("parse failed\n"); return 1; }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    int books = 0;
    for (xmlNodePtr n = root->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE) books++;
    printf("parsed: root <%s>, %d books\n", root->name, books);
    if (books != 3) return 2;

    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathRegisterNs(ctx, (const xmlChar *)"e", (const xmlChar *)"urn:example:extra");
    xmlXPathObjectPtr r = eval(ctx, "/library/book[@year > 2020]/title");
    if (r == NULL || r->nodesetval == NULL || r->nodesetval->nodeNr != 2) return 3;
    for (int i = 0; i < r->nodesetval->nodeNr; i++) {
        xmlChar *t = xmlNodeGetContent(r->nodesetval->nodeTab[i]);
        printf("  book after 2020: %s\n", t);
        if (i == 1 && strcmp((char *)t, "Threads & <Sockets>") != 0) return 4;
        xmlFree(t);
    }
    xmlXPathFreeObject(r);
    r = eval(ctx, "sum(//price)");
    printf("  sum(//price) = %g\n", r ? r->floatval : -1);
    if (r == NULL || r->floatval != 87.5) return 5;
    xmlXPathFreeObject(r);
    r = eval(ctx, "string(//book[e:note]/@id)");
    printf("  book with an e:note: %s\n", r ? (char *)r->stringval : "?");
    if (r == NULL || strcmp((char *)r->stringval, "b1") != 0) return 6;
    xmlXPathFreeObject(r);
    r = eval(ctx, "concat(//e:note, ' / ', count(//book))");
    printf("  entity expanded: %s\n", r ? (char *)r->stringval : "?");
    if (r == NULL || strcmp((char *)r->stringval, "Wasm Press / 3") != 0) return 7;
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(ctx);

    /* change the tree, serialize and parse again */
    xmlNodePtr nb = xmlNewChild(root, NULL, (const xmlChar *)"book", NULL);
    xmlNewProp(nb, (const xmlChar *)"id", (const xmlChar *)"b4");
    xmlNewTextChild(nb, NULL, (const xmlChar *)"title", (const xmlChar *)"A < B");
    xmlChar *out = NULL;
    int len = 0;
    xmlDocDumpMemory(doc, &out, &len);
    xmlDocPtr again = xmlReadMemory((const char *)out, len, "again.xml", NULL, 0);
    ctx = again ? xmlXPathNewContext(again) : NULL;
    r = ctx ? eval(ctx, "count(/library/book)") : NULL;
    printf("serialized %d bytes, parsed again: %g books\n", len, r ? r->floatval : -1);
    if (r == NULL || r->floatval != 4) return 8;
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(again);
    xmlFree(out);
    xmlFreeDoc(doc);

    /* a document in ISO-8859-15 (libxml2's own conversion table): 0xa4 is the euro sign */
    static const char latin9[] = "<?xml version=\"1.0\" encoding=\"ISO-8859-15\"?><p>\xa4 5</p>";
    xmlDocPtr enc = xmlReadMemory(latin9, (int)strlen(latin9), "latin9.xml", NULL, 0);
    xmlChar *text = enc ? xmlNodeGetContent(xmlDocGetRootElement(enc)) : NULL;
    if (text == NULL || strcmp((char *)text, "\xe2\x82\xac 5") != 0) {
        printf("ISO-8859-15 document not converted\n");
        return 10;
    }
    printf("ISO-8859-15 document converted: %s\n", text);
    xmlFree(text);
    xmlFreeDoc(enc);

    /* a malformed document: refused, with the error reported through our handler */
    xmlSetStructuredErrorFunc(NULL, on_error);
    static const char bad[] = "<a><b></a>";
    xmlDocPtr broken = xmlReadMemory(bad, (int)strlen(bad), "bad.xml", NULL, XML_PARSE_NONET);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (broken != NULL || errors == 0) { printf("malformed document accepted\n"); return 9; }
    printf("malformed document refused: %s", last_error);
    xmlCleanupParser();
    printf("libxml2 parse and xpath OK\n");
    return 0;
}
