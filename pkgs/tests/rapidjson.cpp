// rapidjson test: parse a JSON document (DOM), read and change values, add members, serialize
// it with Writer and PrettyWriter, parse the output again and compare; then a malformed
// document must be refused with an error offset.
#include <cstdio>
#include <cstring>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

using namespace rapidjson;

int main() {
    static const char *json =
        "{\"name\":\"rapidjson\",\"version\":\"1.1.0\",\"header_only\":true,"
        "\"deps\":[],\"sizes\":[1,2.5,-3],\"nested\":{\"pi\":3.14159,\"n\":null}}";
    Document doc;
    doc.Parse(json);
    if (doc.HasParseError()) {
        std::printf("parse error at %zu: %s\n", doc.GetErrorOffset(), GetParseError_En(doc.GetParseError()));
        return 1;
    }
    if (!doc.IsObject() || !doc["header_only"].GetBool() || doc["sizes"].Size() != 3 ||
        doc["sizes"][1].GetDouble() != 2.5 || doc["sizes"][2].GetInt() != -3 ||
        !doc["nested"]["n"].IsNull()) {
        std::printf("unexpected values\n");
        return 2;
    }
    std::printf("parsed: name=%s version=%s, %u sizes, nested.pi=%g\n", doc["name"].GetString(),
                doc["version"].GetString(), doc["sizes"].Size(), doc["nested"]["pi"].GetDouble());

    Document::AllocatorType &a = doc.GetAllocator();
    doc["deps"].PushBack(Value("cmake", a).Move(), a);
    doc.AddMember("target", Value("wasm32-wasix", a).Move(), a);
    doc["sizes"][0].SetInt64(1LL << 40);

    StringBuffer compact;
    Writer<StringBuffer> writer(compact);
    doc.Accept(writer);
    std::printf("serialized: %s\n", compact.GetString());
    StringBuffer pretty;
    PrettyWriter<StringBuffer> pw(pretty);
    doc.Accept(pw);

    Document again;
    again.Parse(pretty.GetString());
    if (again.HasParseError() || again != doc) { std::printf("reparse differs\n"); return 3; }
    if (again["sizes"][0].GetInt64() != (1LL << 40) ||
        std::strcmp(again["target"].GetString(), "wasm32-wasix") != 0) return 4;
    std::printf("pretty form (%zu bytes) parses back equal\n", pretty.GetSize());

    Document bad;
    bad.Parse("{\"a\": [1, 2,, 3]}");
    if (!bad.HasParseError()) { std::printf("malformed JSON accepted\n"); return 5; }
    std::printf("malformed JSON refused at offset %zu: %s\n", bad.GetErrorOffset(),
                GetParseError_En(bad.GetParseError()));
    std::printf("rapidjson %s: roundtrip OK\n", RAPIDJSON_VERSION_STRING);
    return 0;
}
