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
} jl_event;

/// Result codes of jl_parse_event.
enum jl_status { JL_OK = 0, JL_NOT_JSON = 1, JL_NOT_OBJECT = 2 };

typedef struct jl_parser jl_parser;

jl_parser *jl_parser_new(void);
void jl_parser_free(jl_parser *parser);

/// Parses one line (without its newline). On JL_NOT_JSON, *error_out points at simdjson's reason.
int jl_parse_event(jl_parser *parser, const char *line, size_t len, jl_event *out, const char **error_out);

#ifdef __cplusplus
}
#endif

#endif
