#include "jsonlines.h"

#include <simdjson.h>
#include <string_view>

// One DOM parser reused for every line: simdjson validates the whole line (structure, UTF-8,
// numbers) so a malformed field we do not read still makes the line "not JSON", as it should.
struct jl_parser {
    simdjson::dom::parser dom;
};

extern "C" jl_parser *jl_parser_new(void) {
    try {
        return new jl_parser();
    } catch (...) {
        return nullptr;
    }
}

extern "C" void jl_parser_free(jl_parser *parser) { delete parser; }

static void read_field(simdjson::dom::object &object, std::string_view key, jl_field *field) {
    field->ptr = nullptr;
    field->len = 0;
    simdjson::dom::element value;
    if (object.at_key(key).get(value) != simdjson::SUCCESS) {
        field->presence = JL_ABSENT;
        return;
    }
    std::string_view text;
    if (value.get_string().get(text) == simdjson::SUCCESS) {
        field->presence = JL_STRING;
        field->ptr = text.data();
        field->len = text.size();
    } else if (value.is_null()) {
        field->presence = JL_NULL;
    } else {
        field->presence = JL_OTHER;
    }
}

extern "C" int jl_parse_event(jl_parser *parser, const char *line, size_t len, jl_event *out, const char **error_out) {
    simdjson::dom::element root;
    // parse() copies into the parser's padded buffer, so `line` needs no padding of its own.
    auto error = parser->dom.parse(line, len, true).get(root);
    if (error) {
        if (error_out) *error_out = simdjson::error_message(error);
        return JL_NOT_JSON;
    }
    simdjson::dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) return JL_NOT_OBJECT;
    read_field(object, "id", &out->id);
    read_field(object, "type", &out->type);
    read_field(object, "user", &out->user);
    read_field(object, "at", &out->at);
    read_field(object, "category", &out->category);
    return JL_OK;
}
