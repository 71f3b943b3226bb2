// A small C API over simdjson for the one JSON shape read at volume: an event line.
// Swift calls jl_parse_event once per line; the strings it returns point into the parser
// and stay valid until the next call on the same parser.
#ifndef INCENTIVES_JSONLINES_H
#define INCENTIVES_JSONLINES_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// How a field appeared in the object.
enum jl_presence { JL_ABSENT = 0, JL_STRING = 1, JL_NULL = 2, JL_OTHER = 3 };

typedef struct jl_field {
    const char *ptr;
    size_t len;
    int presence; // enum jl_presence
} jl_field;

typedef struct jl_event {
    jl_field id, type, user, at, category;
    /// The first key that appears twice in the object (JL_DUPLICATE_KEY).
    jl_field duplicate;
} jl_event;

/// Result codes. On JL_DUPLICATE_KEY from jl_parse_event, `duplicate` in the event names the key;
/// JL_FOUND is what the jl_find_ functions return when they found what they look for.
enum jl_status { JL_OK = 0, JL_NOT_JSON = 1, JL_NOT_OBJECT = 2, JL_DUPLICATE_KEY = 3, JL_FOUND = 4 };

typedef struct jl_parser jl_parser;

jl_parser *jl_parser_new(void);
void jl_parser_free(jl_parser *parser);

/// Parses one line (without its newline). On JL_NOT_JSON, *error_out points at simdjson's reason.
int jl_parse_event(jl_parser *parser, const char *line, size_t len, jl_event *out, const char **error_out);

/// A roster line's fields (CONTRACT §1). partnerIds' pairs are in `partners` (keys and values, in the line's order).
typedef struct jl_member {
    jl_field id, employer, timezone, eligible_from, eligible_until;
    /// JL_ABSENT, JL_NULL, or JL_STRING when `partners` holds the object's `partner_count` pairs.
    int partners_presence;
    jl_field partner_keys[16], partner_values[16];
    size_t partner_count;
} jl_member;

/// Reads a roster line only when it is plainly well formed: strict JSON, an object without a key twice, id,
/// timezone and eligibleFrom strings, employer and eligibleUntil strings or null or absent, partnerIds absent, null
/// or an object of at most 16 strings, no other key holding an object or an array, no string value holding NUL.
/// Returns JL_OK with the fields (pointing into the parser, valid until its next call), or JL_NOT_JSON for any
/// other line: the caller then reads it the careful way, which says what is wrong with it and where.
int jl_parse_member(jl_parser *parser, const char *line, size_t len, jl_member *out);

/// Checks a whole JSON document (a catalog, a roster line) for an object holding the same key twice: JSON
/// parsers disagree on which one wins, so such a document is refused. Returns JL_OK when there is none,
/// JL_FOUND with the key's JSON path in `path_out` (NUL-terminated, cut to `path_cap`), or
/// JL_NOT_JSON (the caller's own decoder then says why).
int jl_find_duplicate_key(jl_parser *parser, const char *text, size_t len, char *path_out, size_t path_cap);

/// The JSON path of the first number with a fraction or an exponent (`1.5`), as jl_find_duplicate_key:
/// for saying which field must be a whole number when a decoder refuses the document.
int jl_find_fraction(jl_parser *parser, const char *text, size_t len, char *path_out, size_t path_cap);

/// The JSON path of the first string value holding a NUL character (`"a\u0000b"`), as jl_find_duplicate_key:
/// NUL is refused in every text field of every input (DESIGN.md §11).
int jl_find_nul_string(jl_parser *parser, const char *text, size_t len, char *path_out, size_t path_cap);

/// Reads a JSON array of strings (a stored evidence list): fills `items` with up to `max_items` strings,
/// unescaped, pointing into the parser (valid until its next call). Returns how many there are, -1 when the
/// text is not an array of strings, -2 when it holds more than `max_items` (call again with room for them).
long jl_string_array(jl_parser *parser, const char *text, size_t len, jl_field *items, size_t max_items);

#ifdef __cplusplus
}
#endif

#endif
