// Checks HTTP responses against the OpenAPI description in api/openapi.json,
// so API tests can assert that what the server sends is what it documents.
#ifndef BEIAN_TESTS_API_OPENAPI_CONTRACT_H_
#define BEIAN_TESTS_API_OPENAPI_CONTRACT_H_

#include <string_view>

#include "beian/core/json.h"
#include "beian/core/status.h"

namespace beian::api::testing {

// api/openapi.json of the source tree (beian::testing::SourceRoot()), parsed.
// kIoError if the file cannot be read, kParseError if it is not JSON.
core::Result<core::Json> LoadOpenApi();

// Checks one response against `spec`:
//  - the operation `method` ("GET", any case) of path `route_pattern` (the
//    router's pattern, "/v1/documents/{id}/pdf") exists;
//  - `status` is documented for it: exactly, else as a range ("4XX"), else as
//    "default";
//  - `content_type` is documented for that status (parameters such as
//    "; charset=utf-8" are ignored, case is not significant, "*/*" and
//    "type/*" match); a response documented without content must have an
//    empty body, and then `content_type` is not judged;
//  - a JSON body (application/json or +json) parses and validates against the
//    documented schema, OpenAPI 3.0 schema objects being translated to the
//    core::JsonSchema subset ($ref into components.schemas, nullable,
//    annotation keywords dropped). Other bodies are not inspected.
// Returns OK; kInvalidArgument when the response disagrees with the spec (the
// message names the operation, what disagrees and, for the body, the JSON
// Pointer of each offending value); kFailedPrecondition when the spec cannot
// answer: no such operation, a $ref that does not resolve, or a schema the
// validator cannot compile.
//
// Compiled schemas are cached per spec content, operation, status and media
// type. Thread-safe.
core::Status CheckResponse(const core::Json& spec, std::string_view method,
                           std::string_view route_pattern, int status,
                           std::string_view content_type,
                           std::string_view body);

// `schema`, an OpenAPI 3.0 schema object inside `spec`, as a standalone
// core::JsonSchema document: every "#/components/schemas/<name>" reference is
// rewritten to "#/$defs/<name>" and the referenced schemas (recursively) are
// copied into "$defs"; `nullable: true` becomes a "null" alternative; OpenAPI
// annotations (example, readOnly, writeOnly, deprecated, xml, externalDocs,
// discriminator, x-*) and formats the validator does not know (int64, binary,
// ...) are dropped. kFailedPrecondition for any other $ref or one that does
// not resolve. Exposed for tests.
core::Result<core::Json> StandaloneSchema(const core::Json& spec,
                                          const core::Json& schema);

}  // namespace beian::api::testing

#endif  // BEIAN_TESTS_API_OPENAPI_CONTRACT_H_
