// tinyxml2 test: parse a small XML document from a string, read attributes and text, change
// one attribute, print the document back with XMLPrinter and parse that output again.
#include <cstdio>
#include <cstring>
#include <string>
#include <tinyxml2.h>

using namespace tinyxml2;

int main() {
    static const char *xml =
        "<?xml version=\"1.0\"?>\n"
        "<catalog name=\"seed\">\n"
        "  <library name=\"tinyxml2\" version=\"11.0.0\" kind=\"cmake\">C++ XML parser</library>\n"
        "  <library name=\"zlib\" version=\"1.3.1\"/>\n"
        "</catalog>\n";
    XMLDocument doc;
    if (doc.Parse(xml) != XML_SUCCESS) {
        std::printf("parse error: %s\n", doc.ErrorStr());
        return 1;
    }
    XMLElement *root = doc.FirstChildElement("catalog");
    XMLElement *lib = root ? root->FirstChildElement("library") : nullptr;
    if (lib == nullptr) { std::printf("no <library> element\n"); return 2; }
    const char *version = lib->Attribute("version");
    std::printf("catalog \"%s\": library %s version %s, text \"%s\"\n", root->Attribute("name"),
                lib->Attribute("name"), version, lib->GetText());
    if (std::strcmp(version, "11.0.0") != 0 || std::strcmp(lib->GetText(), "C++ XML parser") != 0)
        return 3;
    int count = 0;
    for (XMLElement *e = root->FirstChildElement("library"); e; e = e->NextSiblingElement("library"))
        count++;
    lib->SetAttribute("checked", true);

    XMLPrinter printer;
    doc.Print(&printer);
    std::string out = printer.CStr();
    std::printf("printed back (%d libraries):\n%s", count, out.c_str());
    XMLDocument again;
    if (again.Parse(out.c_str()) != XML_SUCCESS) return 4;
    bool checked = false;
    again.FirstChildElement("catalog")->FirstChildElement("library")->QueryBoolAttribute("checked", &checked);
    if (count != 2 || !checked) { std::printf("reparse lost data\n"); return 5; }

    XMLDocument bad;
    XMLError err = bad.Parse("<a><b></a>");
    std::printf("malformed input refused: %s\n", XMLDocument::ErrorIDToName(err));
    if (err == XML_SUCCESS) return 6;
    std::printf("tinyxml2 %d.%d.%d: parse OK\n", TIXML2_MAJOR_VERSION, TIXML2_MINOR_VERSION,
                TIXML2_PATCH_VERSION);
    return 0;
}
