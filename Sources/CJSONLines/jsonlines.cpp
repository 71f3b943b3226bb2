#include "jsonlines.h"

#include <simdjson.h>
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

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

static void set_field(simdjson::dom::element value, jl_field *field) {
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

// The first key that appears twice in `object`, if any. Objects are small (an event has five or six keys):
// comparing each key with those before it is cheaper than any set.
static bool first_duplicate(simdjson::dom::object object, std::string_view *duplicate) {
    std::string_view seen[16];
    size_t n = 0;
    std::vector<std::string_view> many;
    for (auto field : object) {
        std::string_view key = field.key;
        if (n < 16) {
            for (size_t i = 0; i < n; i++) {
                if (seen[i] == key) { *duplicate = key; return true; }
            }
            seen[n++] = key;
        } else {
            if (many.empty()) many.assign(seen, seen + n);
            many.push_back(key);
        }
    }
    if (many.empty()) return false;
    std::vector<std::string_view> sorted = many;
    std::sort(sorted.begin(), sorted.end());
    auto at = std::adjacent_find(sorted.begin(), sorted.end());
    if (at == sorted.end()) return false;
    *duplicate = *at;
    return true;
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
    jl_field *fields[5] = {&out->id, &out->type, &out->user, &out->at, &out->category};
    for (jl_field *f : fields) { f->ptr = nullptr; f->len = 0; f->presence = JL_ABSENT; }
    out->duplicate = jl_field{nullptr, 0, JL_ABSENT};
    std::string_view duplicate;
    if (first_duplicate(object, &duplicate)) {
        out->duplicate = jl_field{duplicate.data(), duplicate.size(), JL_STRING};
        return JL_DUPLICATE_KEY;
    }
    // One pass over the fields, each key matched by its length first.
    for (auto field : object) {
        std::string_view key = field.key;
        jl_field *target = nullptr;
        switch (key.size()) {
        case 2: if (key == "id") target = &out->id; else if (key == "at") target = &out->at; break;
        case 4: if (key == "type") target = &out->type; else if (key == "user") target = &out->user; break;
        case 8: if (key == "category") target = &out->category; break;
        default: break;
        }
        if (target) set_field(field.value, target);
    }
    return JL_OK;
}

// A string value, accepted only without NUL (a NUL is refused with its path by the careful reading).
static bool plain_string(simdjson::dom::element value, jl_field *field) {
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS || text.find('\0') != std::string_view::npos) return false;
    *field = jl_field{text.data(), text.size(), JL_STRING};
    return true;
}

static bool string_or_null(simdjson::dom::element value, jl_field *field) {
    if (value.is_null()) { *field = jl_field{nullptr, 0, JL_NULL}; return true; }
    return plain_string(value, field);
}

extern "C" int jl_parse_member(jl_parser *parser, const char *line, size_t len, jl_member *out) {
    simdjson::dom::element root;
    if (parser->dom.parse(line, len, true).get(root)) return JL_NOT_JSON;
    simdjson::dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) return JL_NOT_JSON;
    std::string_view duplicate;
    if (first_duplicate(object, &duplicate)) return JL_NOT_JSON;
    jl_field *fields[5] = {&out->id, &out->employer, &out->timezone, &out->eligible_from, &out->eligible_until};
    for (jl_field *f : fields) *f = jl_field{nullptr, 0, JL_ABSENT};
    out->partners_presence = JL_ABSENT;
    out->partner_count = 0;
    for (auto field : object) {
        std::string_view key = field.key;
        simdjson::dom::element value = field.value;
        bool fine;
        if (key == "id") fine = plain_string(value, &out->id);
        else if (key == "timezone") fine = plain_string(value, &out->timezone);
        else if (key == "eligibleFrom") fine = plain_string(value, &out->eligible_from);
        else if (key == "employer") fine = string_or_null(value, &out->employer);
        else if (key == "eligibleUntil") fine = string_or_null(value, &out->eligible_until);
        else if (key == "partnerIds") {
            simdjson::dom::object partners;
            if (value.is_null()) {
                out->partners_presence = JL_NULL;
                fine = true;
            } else if (value.get_object().get(partners) == simdjson::SUCCESS && !first_duplicate(partners, &duplicate)) {
                fine = true;
                for (auto pair : partners) {
                    if (out->partner_count == 16) { fine = false; break; }
                    size_t n = out->partner_count++;
                    out->partner_keys[n] = jl_field{pair.key.data(), pair.key.size(), JL_STRING};
                    if (!plain_string(pair.value, &out->partner_values[n])) { fine = false; break; }
                }
                out->partners_presence = JL_STRING;
            } else {
                fine = false;
            }
        } else {
            // A key the roster does not use: ignored, as the careful reading ignores it, when it holds a plain value.
            std::string_view text;
            fine = !value.is_object() && !value.is_array()
                && (value.get_string().get(text) != simdjson::SUCCESS || text.find('\0') == std::string_view::npos);
        }
        if (!fine) return JL_NOT_JSON;
    }
    if (out->id.presence != JL_STRING || out->timezone.presence != JL_STRING || out->eligible_from.presence != JL_STRING)
        return JL_NOT_JSON;
    return JL_OK;
}

static void append_path(std::string &path, std::string_view key) {
    if (!path.empty()) path += '.';
    // An empty key is still a place: written `""`, so that a message about it names a path (found by FuzzRoster).
    if (key.empty()) path += "\"\"";
    else path.append(key.data(), key.size());
}

// Walks the document depth first; `found` says whether an element is what is looked for and names the key at
// fault inside it, if any. `path` ends as the JSON path of the first such place.
template <typename Found>
static bool walk(simdjson::dom::element element, std::string &path, Found found) {
    std::string_view key;
    bool named = false;
    if (found(element, &key, &named)) {
        if (named) append_path(path, key);
        return true;
    }
    simdjson::dom::object object;
    if (element.get_object().get(object) == simdjson::SUCCESS) {
        for (auto field : object) {
            size_t before = path.size();
            append_path(path, field.key);
            if (walk(field.value, path, found)) return true;
            path.resize(before);
        }
        return false;
    }
    simdjson::dom::array array;
    if (element.get_array().get(array) == simdjson::SUCCESS) {
        size_t i = 0;
        for (auto item : array) {
            size_t before = path.size();
            path += "[" + std::to_string(i++) + "]";
            if (walk(item, path, found)) return true;
            path.resize(before);
        }
    }
    return false;
}

template <typename Found>
static int find_path(jl_parser *parser, const char *text, size_t len, char *path_out, size_t path_cap, Found found) {
    simdjson::dom::element root;
    if (parser->dom.parse(text, len, true).get(root)) return JL_NOT_JSON;
    std::string path;
    if (!walk(root, path, found)) return JL_OK;
    if (path_cap > 0) {
        size_t n = std::min(path.size(), path_cap - 1);
        path.copy(path_out, n);
        path_out[n] = 0;
    }
    return JL_FOUND;
}

extern "C" int jl_find_duplicate_key(jl_parser *parser, const char *text, size_t len, char *path_out, size_t path_cap) {
    return find_path(parser, text, len, path_out, path_cap, [](simdjson::dom::element e, std::string_view *key, bool *named) {
        simdjson::dom::object object;
        return e.get_object().get(object) == simdjson::SUCCESS && (*named = first_duplicate(object, key));
    });
}

extern "C" int jl_find_fraction(jl_parser *parser, const char *text, size_t len, char *path_out, size_t path_cap) {
    return find_path(parser, text, len, path_out, path_cap, [](simdjson::dom::element e, std::string_view *, bool *) {
        return e.type() == simdjson::dom::element_type::DOUBLE;
    });
}

extern "C" int jl_find_nul_string(jl_parser *parser, const char *text, size_t len, char *path_out, size_t path_cap) {
    return find_path(parser, text, len, path_out, path_cap, [](simdjson::dom::element e, std::string_view *, bool *) {
        std::string_view s;
        return e.get_string().get(s) == simdjson::SUCCESS && s.find('\0') != std::string_view::npos;
    });
}

extern "C" long jl_string_array(jl_parser *parser, const char *text, size_t len, jl_field *items, size_t max_items) {
    simdjson::dom::element root;
    if (parser->dom.parse(text, len, true).get(root)) return -1;
    simdjson::dom::array array;
    if (root.get_array().get(array) != simdjson::SUCCESS) return -1;
    size_t n = 0;
    for (auto item : array) {
        std::string_view s;
        if (item.get_string().get(s) != simdjson::SUCCESS) return -1;
        if (n < max_items) items[n] = jl_field{s.data(), s.size(), JL_STRING};
        n++;
    }
    return n > max_items ? -2 : (long)n;
}
