/*
 * lib/fhir/fhir_int.h - internal interface shared by the files of the fhir
 * module (CDA R2 -> FHIR R4 transaction Bundle).
 *
 * Owns: the per-conversion arena and the small JSON tree the converter
 * builds (fhir_tree.c), the conversion context and the Bundle entries
 * (fhir_bundle.c), CDA navigation with a small path language (fhir_cda.c),
 * the data-type converters (fhir_types.c), the rule interpreter that runs the
 * declarative mapping tables (fhir_rules.c), the header and party mappings
 * (fhir_header.c, fhir_party.c) and the per-type table declarations
 * (fhir_map_*.c). The public API is include/fse/fhir.h; no other module
 * includes this header. Serialisation goes through the util JSON writer
 * (fse/json.h), XML parsing through fse/xml.h.
 */
#ifndef FSE_FHIR_INT_H
#define FSE_FHIR_INT_H

#include <libxml/tree.h>

#include "fse/cda.h"
#include "fse/fhir.h"
#include "fse/json.h"
#include "fse/util.h"

#define FSE_FHIR_MODULE "fhir"

/* ------------------------------------------------------------------------ */
/* Arena and JSON tree (fhir_tree.c)                                        */
/* ------------------------------------------------------------------------ */

/* Bump allocator: everything built for one conversion is freed at once. */
typedef struct fhir_arena_block fhir_arena_block;
typedef struct fhir_arena {
    fhir_arena_block *head;
    size_t used; /* total bytes handed out, bounded by FSE_FHIR_MAX_WORK_BYTES */
    fse_err err; /* first failure; later allocations return NULL */
} fhir_arena;

void fhir_arena_init(fhir_arena *a);
void fhir_arena_free(fhir_arena *a);
void *fhir_arena_alloc(fhir_arena *a, size_t size);
char *fhir_arena_strdup(fhir_arena *a, const char *s);
char *fhir_arena_strndup(fhir_arena *a, const char *s, size_t n);
/* printf into the arena; NULL on failure. */
char *fhir_arena_printf(fhir_arena *a, const char *fmt, ...) FSE_PRINTF(2, 3);

typedef enum fhir_kind {
    FHIR_NODE_OBJECT = 0,
    FHIR_NODE_ARRAY,
    FHIR_NODE_STRING,
    FHIR_NODE_NUMBER, /* text kept exactly as given (FHIR decimal) */
    FHIR_NODE_BOOL,   /* text "true" or "false" */
    FHIR_NODE_NULL    /* array placeholder of primitive extensions (_line) */
} fhir_kind;

/* A JSON value. Members of an object keep insertion order. */
typedef struct fhir_node fhir_node;
struct fhir_node {
    fhir_kind kind;
    const char *key;  /* member name inside an object, NULL in an array */
    const char *text; /* STRING, NUMBER, BOOL */
    fhir_node *first;
    fhir_node *last;
    fhir_node *next;
    size_t n; /* children */
};

/*
 * Builders. Every one accepts a NULL parent (after an earlier failure) and
 * then does nothing and returns NULL, so mapping code checks the arena error
 * once at the end instead of after every call.
 */
fhir_node *fhir_node_new(fhir_arena *a, fhir_kind kind, const char *text);
/* Member key of obj, or NULL. */
fhir_node *fhir_get(const fhir_node *obj, const char *key);
/* Set member key to value, replacing an existing member of that name. */
fhir_node *fhir_put(fhir_arena *a, fhir_node *obj, const char *key, fhir_node *value);
/* Member key as an object, created when absent. */
fhir_node *fhir_obj(fhir_arena *a, fhir_node *obj, const char *key);
/* Member key as an array (created when absent), with a new object appended. */
fhir_node *fhir_push(fhir_arena *a, fhir_node *obj, const char *key);
/* Member key as an array (created when absent). */
fhir_node *fhir_arr(fhir_arena *a, fhir_node *obj, const char *key);
/* Append a value to an array. */
fhir_node *fhir_append(fhir_node *arr, fhir_node *value);
/* Set a string member (copied); NULL value: nothing. */
fhir_node *fhir_put_str(fhir_arena *a, fhir_node *obj, const char *key, const char *value);
/* Set a number member given as decimal text (copied). */
fhir_node *fhir_put_num(fhir_arena *a, fhir_node *obj, const char *key, const char *text);
fhir_node *fhir_put_bool(fhir_arena *a, fhir_node *obj, const char *key, bool value);
/* Remove member key from obj (no-op when absent). */
void fhir_remove(fhir_node *obj, const char *key);
/* Deep copy of a node into the arena (key dropped). */
fhir_node *fhir_copy(fhir_arena *a, const fhir_node *n);
/* Whether an object/array has no children (NULL counts as empty). */
bool fhir_empty(const fhir_node *n);
/* Drop members that are empty objects or arrays, recursively. */
void fhir_prune(fhir_node *n);
/* Serialise with the util JSON writer. */
void fhir_write(fse_json *w, const fhir_node *n);

/* ------------------------------------------------------------------------ */
/* Context and Bundle entries (fhir_bundle.c)                               */
/* ------------------------------------------------------------------------ */

/* One Bundle entry: a resource and its request. */
typedef struct fhir_entry fhir_entry;
struct fhir_entry {
    const char *type; /* resourceType */
    const char *id;
    fhir_node *res;   /* the resource object (resourceType and id included) */
    bool put;         /* conditional PUT (shared entities), else POST */
    const char *cond; /* identifier value of the PUT url; NULL: no url */
    float weight;     /* dedup weight (eds-fhir §2.5 KEEP_PRIOR) */
    fhir_entry *next;
};

/* Most nested resources being built at once (rules creating resources that
 * create resources); deeper nesting in the tables is a bug. */
#define FHIR_STACK_MAX 32

typedef struct fhir_ctx {
    fhir_arena arena;
    const fse_fhir_opts *opts;
    const xmlDoc *doc;
    const xmlNode *cda; /* ClinicalDocument */
    fse_doc_type doc_type;
    uint64_t rng[2]; /* UUID generator state (xorshift128+) */
    fhir_entry *entries;
    fhir_entry *entries_tail;
    size_t n_entries;
    fhir_node *bundle_identifier;
    /* the header resources every mapping refers to */
    fhir_entry *composition;
    fhir_entry *patient;
    fhir_entry *encounter;
    fhir_entry *docref;
    /* resources being built, innermost last (rule references to ancestors) */
    fhir_entry *stack[FHIR_STACK_MAX];
    size_t depth;
} fhir_ctx;

/* The context's arena, for builder calls. */
#define FA(c) (&(c)->arena)

/* A new random UUID (lowercase, 36 characters) in the arena. */
const char *fhir_uuid(fhir_ctx *c);
/* "https://example/<type>/<id>" in the arena. */
const char *fhir_full_url(fhir_ctx *c, const char *type, const char *id);
/* A new POST entry with a UUID id; the resource has resourceType and id. */
fhir_entry *fhir_entry_post(fhir_ctx *c, const char *type);
/*
 * A candidate shared entity (conditional PUT) not yet in the bundle: the
 * caller fills res and id, then calls fhir_entry_commit. Before that the id is
 * a UUID, as the maps create it.
 */
fhir_entry *fhir_entry_candidate(fhir_ctx *c, const char *type, float weight);
/*
 * Add a candidate to the bundle. An entry of the same type and id already
 * there is replaced only when the candidate weighs more (KEEP_PRIOR); the
 * kept one is returned.
 */
fhir_entry *fhir_entry_commit(fhir_ctx *c, fhir_entry *cand);
/* Set an entry's id (and the id member of its resource). */
void fhir_entry_set_id(fhir_ctx *c, fhir_entry *e, const char *id);
/* Put {"reference": fullUrl of e} at obj.key (key ending in [] appends). */
fhir_node *fhir_ref(fhir_ctx *c, fhir_node *obj, const char *key, const fhir_entry *e);
/* Same with a type and id. */
fhir_node *fhir_ref_id(fhir_ctx *c, fhir_node *obj, const char *key, const char *type,
                       const char *id);
/* Weight of a scoring tag (eds-fhir §2.5, ENG WeightFhirResEnum); 0 unknown. */
float fhir_tag_weight(const char *tag);

/* Push/pop a resource being built (for rules referring to ancestors). */
void fhir_stack_push(fhir_ctx *c, fhir_entry *e);
void fhir_stack_pop(fhir_ctx *c);
/* Innermost resource being built of this type (NULL type: innermost). */
fhir_entry *fhir_stack_find(const fhir_ctx *c, const char *type);

/* ------------------------------------------------------------------------ */
/* CDA navigation (fhir_cda.c)                                              */
/* ------------------------------------------------------------------------ */

/*
 * Paths select elements below a context element: steps separated by '/',
 * each an element local name (or '*', or '..' for the parent, or '.' for the
 * context itself) with optional predicates in brackets:
 *   [@a='v'] [@a!='v'] [@a] [!@a] [sub/path] [!sub/path] [sub/path/@a='v']
 *   [@xsi:type='PQ'] (compares the local part of the type name)
 * Several predicates on one step must all hold; "a | b" selects a, then b.
 */
typedef struct fhir_nodes {
    const xmlNode **items;
    size_t n;
} fhir_nodes;

/* Every element matching path, in document order (n == 0 when none). */
fhir_nodes fhir_cda_select(fhir_ctx *c, const xmlNode *ctx, const char *path);
/* First element matching path, or NULL. */
const xmlNode *fhir_cda_first(fhir_ctx *c, const xmlNode *ctx, const char *path);
/* Attribute (no namespace, or "xsi:type" whose prefix is dropped) without
 * leading and trailing white space, as the official engine reads CDA
 * attributes; NULL when absent. */
const char *fhir_cda_attr(fhir_ctx *c, const xmlNode *n, const char *name);
/* Attribute of the first element at path; NULL when either is absent. */
const char *fhir_cda_path_attr(fhir_ctx *c, const xmlNode *ctx, const char *path, const char *name);
/* Text content of an element, trimmed, in the arena (NULL element: NULL). */
const char *fhir_cda_text(fhir_ctx *c, const xmlNode *n);
/* s without leading and trailing white space, in the arena. */
const char *fhir_trim(fhir_ctx *c, const char *s);
/* Whether the element has a templateId with this root. */
bool fhir_cda_has_template(const xmlNode *n, const char *root);

/* ------------------------------------------------------------------------ */
/* Data types (fhir_types.c, fhir_terms.c)                                  */
/* ------------------------------------------------------------------------ */

/* FHIR system URI for a code-system or identifier OID (special-oid2uri):
 * the known URI, else "urn:oid:<oid>". In the arena. */
const char *fhir_oid_uri(fhir_ctx *c, const char *oid);
/* The identifier system for a root, after the configured choice for the
 * codice fiscale (eds-fhir §2.6). */
const char *fhir_id_system(fhir_ctx *c, const char *root);

/* A code translated by a small concept map; NULL when not listed. */
typedef struct fhir_code_map {
    const char *from;
    const char *to;
} fhir_code_map;
const char *fhir_map_code(const fhir_code_map *map, const char *code);

/* Concept maps of the official maps (fhir_terms.c). NULL-terminated. */
extern const fhir_code_map fhir_cm_gender[];
extern const fhir_code_map fhir_cm_priority[];
extern const fhir_code_map fhir_cm_relates_to[];
extern const fhir_code_map fhir_cm_address_use[];

/* TS -> FHIR dateTime text ("20220330112426+0100" -> "2022-03-30T11:24:26+01:00"). */
const char *fhir_ts_datetime(fhir_ctx *c, const char *ts);
/* TS -> FHIR date (first 8 digits). */
const char *fhir_ts_date(fhir_ctx *c, const char *ts);

/* Converters writing into an existing FHIR object tgt from a CDA element. */
void fhir_conv_identifier(fhir_ctx *c, fhir_node *tgt, const xmlNode *ii);
void fhir_conv_cc(fhir_ctx *c, fhir_node *tgt, const xmlNode *cd);
void fhir_conv_coding(fhir_ctx *c, fhir_node *tgt, const xmlNode *cd);
void fhir_conv_period(fhir_ctx *c, fhir_node *tgt, const xmlNode *ivl);
void fhir_conv_quantity(fhir_ctx *c, fhir_node *tgt, const xmlNode *pq);
void fhir_conv_address(fhir_ctx *c, fhir_node *tgt, const xmlNode *ad);
void fhir_conv_telecom(fhir_ctx *c, fhir_node *tgt, const xmlNode *tel);
void fhir_conv_name(fhir_ctx *c, fhir_node *tgt, const xmlNode *en);
/* CDA narrative (section text) as a FHIR xhtml div string. */
const char *fhir_narrative(fhir_ctx *c, const xmlNode *text);

/* ------------------------------------------------------------------------ */
/* Rule interpreter (fhir_rules.c)                                          */
/* ------------------------------------------------------------------------ */

typedef struct fhir_rule fhir_rule;

/* What a rule writes. */
typedef enum fhir_op {
    FHIR_OP_CC = 0,    /* CD/CE -> CodeableConcept */
    FHIR_OP_CODING,    /* CD/CE -> Coding (code, system, display; no version) */
    FHIR_OP_CODE,      /* @code -> string */
    FHIR_OP_MAP,       /* @code through arg (fhir_code_map[]) -> string */
    FHIR_OP_CONST,     /* arg (string) once per match */
    FHIR_OP_ATTR,      /* attribute named arg -> string */
    FHIR_OP_TEXT,      /* text content -> string */
    FHIR_OP_REFTEXT,   /* reference/@value -> string */
    FHIR_OP_DATETIME,  /* TS @value -> dateTime string */
    FHIR_OP_DATE,      /* TS @value -> date string */
    FHIR_OP_PERIOD,    /* IVL_TS -> Period */
    FHIR_OP_QTY,       /* PQ -> Quantity (decimal text kept) */
    FHIR_OP_NUM,       /* attribute named arg -> number */
    FHIR_OP_NUM_CONST, /* number arg (decimal text) once per match */
    FHIR_OP_CODING_CC, /* CD/CE -> CodeableConcept with one coding, no translations */
    FHIR_OP_IDENT,     /* II -> Identifier */
    FHIR_OP_NARRATIVE, /* narrative -> xhtml div string */
    FHIR_OP_NEST,      /* object at dst (NULL: the target itself), sub-rules (arg: fhir_rules) */
    FHIR_OP_EFFECTIVE, /* IVL_TS or TS -> <dst>Period or <dst>DateTime */
    FHIR_OP_VALUE,     /* ANY by xsi:type -> <dst><Type> (arg: fhir_value_kind[]) */
    FHIR_OP_NEW,       /* new POST resource (arg: fhir_res_desc), Reference at dst */
    FHIR_OP_REF,       /* Reference to a resource named by arg (see fhir_ref_target) */
    FHIR_OP_FN,        /* custom function (fn) */
    FHIR_OP_BOOL,      /* boolean arg ("true" or "false") once per match */
    FHIR_OP_OID        /* attribute named arg (an OID) -> system URI (special-oid2uri) */
} fhir_op;

/* A custom mapping step: src is the matched CDA element, tgt the target
 * object; writes as it needs. */
typedef void (*fhir_rule_fn)(fhir_ctx *c, const xmlNode *src, fhir_node *tgt, const fhir_rule *r);

struct fhir_rule {
    const char *src; /* CDA path from the context element; NULL: the context itself */
    const char *dst; /* FHIR path: "a.b.c", a trailing "[]" on a step appends; a first
                      * step "@Type" or "^Type" (see FHIR_OP_REF) writes into that resource,
                      * "$Encounter" (or another header name) into the header resource */
    fhir_op op;
    const void *arg;
    fhir_rule_fn fn; /* FHIR_OP_FN only */
};

/* One xsi:type of a value and the FHIR choice it becomes (FHIR_OP_VALUE):
 * op is FHIR_OP_CC, _QTY, _TEXT, _NUM (of @value), _DATETIME, _PERIOD or
 * FHIR_OP_CONST for booleans (@value kept). NULL xsi_type ends the list. */
typedef struct fhir_value_kind {
    const char *xsi_type;
    const char *suffix; /* "Quantity", "CodeableConcept", "String", ... */
    fhir_op op;
} fhir_value_kind;

/* A list of rules. */
typedef struct fhir_rules {
    const fhir_rule *items;
    size_t n;
} fhir_rules;

#define FHIR_RULES(arr)                                                                            \
    {                                                                                              \
        (arr), sizeof(arr) / sizeof((arr)[0])                                                      \
    }

/* How a new resource is built. */
typedef struct fhir_res_desc {
    const char *type;
    fhir_rules rules;
} fhir_res_desc;

/*
 * Targets of FHIR_OP_REF, given as arg: "Patient", "Encounter",
 * "Composition", "DocumentReference" name the header resources; "^Type"
 * the innermost resource of that type being built; "^" the parent of the
 * resource being built; "@Type" the last resource of that type created.
 */

/* Apply rules with CDA context src into target object tgt. */
void fhir_rules_apply(fhir_ctx *c, const fhir_rules *rules, const xmlNode *src, fhir_node *tgt);
/* Create a resource from desc with src as context (POST, UUID id). */
fhir_entry *fhir_rules_new(fhir_ctx *c, const fhir_res_desc *desc, const xmlNode *src);
/* Resolve a "FHIR path" (see fhir_rule.dst) to the object to write into and
 * the last key; the last key keeps its "[]" suffix. */
fhir_node *fhir_rules_dst(fhir_ctx *c, fhir_node *tgt, const char *dst, const char **key_out);
/* Write a value at a last key (appending when it ends in "[]"). */
fhir_node *fhir_rules_put(fhir_ctx *c, fhir_node *obj, const char *key, fhir_node *value);

/* ------------------------------------------------------------------------ */
/* Header and parties (fhir_header.c, fhir_party.c)                         */
/* ------------------------------------------------------------------------ */

/* How a CDA participation becomes PractitionerRole + Practitioner (+ Organization). */
#define FHIR_PARTY_ANY_ROOT 1u    /* id "<root>-<ext>" from any root, not only the CF */
#define FHIR_PARTY_URL_CF_ONLY 2u /* the conditional url only from a CF id */
#define FHIR_PARTY_PART_OF 4u     /* an asOrganizationPartOf level: type and active */
#define FHIR_PARTY_NO_CHAIN 8u    /* no further partOf level */
#define FHIR_PARTY_NEED_CF 16u    /* no PractitionerRole unless the entity has a CF id */

typedef struct fhir_party {
    const char *tag;       /* scoring tag of the Practitioner (dedup weight) */
    const char *entity;    /* path from the participation to the entity (ids, addr, telecom) */
    const char *person;    /* path from the entity to the person (name, birthTime) */
    const char *org;       /* path from the entity to its organization, or NULL */
    const char *org_tag;   /* scoring tag of that organization */
    const char *role_code; /* path from the participation to PractitionerRole.code */
    unsigned flags;
} fhir_party;

/* Practitioner candidate from an entity element, committed; the kept entry. */
fhir_entry *fhir_party_practitioner(fhir_ctx *c, const xmlNode *entity, const xmlNode *person,
                                    const char *tag, unsigned flags);
/* Organization candidate (and its partOf chain), committed; the kept entry. */
fhir_entry *fhir_party_org(fhir_ctx *c, const xmlNode *org, const char *tag, unsigned flags);
/* PractitionerRole (POST) for a participation, with its Practitioner and
 * Organization; NULL when the participation has no entity. */
fhir_entry *fhir_party_role(fhir_ctx *c, const fhir_party *p, const xmlNode *participation);
/* A Device (POST) from a device entity (assignedAuthoringDevice,
 * playingDevice): type, manufacturer model, software name. */
extern const fhir_res_desc fhir_party_device;

/* Header resources, in the order the official FULLHEADER map creates them. */
void fhir_header_map(fhir_ctx *c);
/* The Patient from recordTarget/patientRole, its guardians and provider
 * organization (fhir_patient.c). */
void fhir_patient_map(fhir_ctx *c, const xmlNode *patient_role);
/* Header participants about the patient: NOK/ECON/CAREGIVER RelatedPersons,
 * the GUAR organization (fhir_patient.c). */
void fhir_patient_participants(fhir_ctx *c);

/* Per-type section mapping: sections of structuredBody into Composition. */
typedef struct fhir_doc_map {
    fse_doc_type type;
    /* rules applied with each top-level section as context, target the new
     * Composition.section object */
    fhir_rules section;
    /* optional: run once after the header, before the sections */
    void (*before_body)(fhir_ctx *c);
} fhir_doc_map;

/* Title, code and narrative of a section, shared by every type. */
extern const fhir_rules fhir_section_common;

/* The map of a type, or NULL when the type has none. */
const fhir_doc_map *fhir_doc_map_get(fse_doc_type type);
/* Map every section of the structured body. */
void fhir_body_map(fhir_ctx *c, const fhir_doc_map *map);

#endif /* FSE_FHIR_INT_H */
