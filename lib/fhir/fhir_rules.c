/*
 * lib/fhir/fhir_rules.c - the interpreter of the declarative mapping tables:
 * each rule selects CDA elements by a path, converts each match with one
 * operation and writes the result at a FHIR path of the target object
 * (creating resources, nesting rule lists, referring to resources built
 * around it).
 *
 * Owns rule semantics (fhir_int.h documents the table format). Does not own
 * the tables (fhir_map_*.c, fhir_header.c) or the data-type conversions
 * (fhir_types.c).
 */
#include "fhir_int.h"

#include <string.h>

/* Longest FHIR path step in the tables. */
#define KEY_MAX 64

fhir_node *fhir_rules_put(fhir_ctx *c, fhir_node *obj, const char *key, fhir_node *value)
{
    size_t len = strlen(key);
    char name[KEY_MAX];

    if (len > 2 && key[len - 2] == '[' && key[len - 1] == ']') {
        if (len - 2 >= sizeof(name)) {
            return NULL;
        }
        memcpy(name, key, len - 2);
        name[len - 2] = '\0';
        return fhir_append(fhir_arr(FA(c), obj, name), value);
    }
    return fhir_put(FA(c), obj, key, value);
}

static const fhir_entry *ref_target(fhir_ctx *c, const char *name);

fhir_node *fhir_rules_dst(fhir_ctx *c, fhir_node *tgt, const char *dst, const char **key_out)
{
    const char *dot;
    char name[KEY_MAX];

    if (dst[0] == '@' || dst[0] == '^' || dst[0] == '$') {
        /* "@Type.path" / "^Type.path" / "$Header.path": a path in another resource */
        const fhir_entry *e;
        dot = strchr(dst, '.');
        if (dot == NULL || (size_t)(dot - dst) >= sizeof(name)) {
            return NULL;
        }
        memcpy(name, dst, (size_t)(dot - dst));
        name[dot - dst] = '\0';
        e = ref_target(c, name[0] == '$' ? name + 1 : name);
        if (e == NULL) {
            return NULL;
        }
        tgt = e->res;
        dst = dot + 1;
    }

    while ((dot = strchr(dst, '.')) != NULL) {
        size_t len = (size_t)(dot - dst);
        if (len >= sizeof(name)) {
            return NULL;
        }
        memcpy(name, dst, len);
        name[len] = '\0';
        if (len > 2 && name[len - 2] == '[') {
            name[len - 2] = '\0';
            tgt = fhir_push(FA(c), tgt, name);
        } else {
            /* an existing array member: write into its last element */
            fhir_node *cur = fhir_get(tgt, name);
            if (cur != NULL && cur->kind == FHIR_NODE_ARRAY && cur->last != NULL) {
                tgt = cur->last;
            } else {
                tgt = fhir_obj(FA(c), tgt, name);
            }
        }
        dst = dot + 1;
    }
    *key_out = dst;
    return tgt;
}

/* The resource a FHIR_OP_REF names (fhir_int.h). */
static const fhir_entry *ref_target(fhir_ctx *c, const char *name)
{
    if (name[0] == '^') {
        if (name[1] == '\0') {
            return c->depth >= 2 && c->depth <= FHIR_STACK_MAX ? c->stack[c->depth - 2] : NULL;
        }
        return fhir_stack_find(c, name + 1);
    }
    if (name[0] == '@') {
        const fhir_entry *e;
        const fhir_entry *last = NULL;
        for (e = c->entries; e != NULL; e = e->next) {
            if (strcmp(e->type, name + 1) == 0) {
                last = e;
            }
        }
        return last;
    }
    if (strcmp(name, "Patient") == 0) {
        return c->patient;
    }
    if (strcmp(name, "Encounter") == 0) {
        return c->encounter;
    }
    if (strcmp(name, "Composition") == 0) {
        return c->composition;
    }
    if (strcmp(name, "DocumentReference") == 0) {
        return c->docref;
    }
    return NULL;
}

/* A new object written at the rule's destination. */
static fhir_node *new_obj(fhir_ctx *c, fhir_node *tgt, const char *dst)
{
    const char *key;
    fhir_node *obj = fhir_rules_dst(c, tgt, dst, &key);

    return fhir_rules_put(c, obj, key, fhir_node_new(FA(c), FHIR_NODE_OBJECT, NULL));
}

static void put_string(fhir_ctx *c, fhir_node *tgt, const char *dst, const char *value)
{
    const char *key;
    fhir_node *obj;

    if (value == NULL) {
        return;
    }
    obj = fhir_rules_dst(c, tgt, dst, &key);
    fhir_rules_put(c, obj, key, fhir_node_new(FA(c), FHIR_NODE_STRING, value));
}

/* The FML pattern "x -> dateTime from TS; where low/high -> Period". */
static void effective(fhir_ctx *c, fhir_node *tgt, const char *dst, const xmlNode *ts)
{
    const char *key;
    fhir_node *obj = fhir_rules_dst(c, tgt, dst, &key);

    if (fhir_cda_first(c, ts, "low | high") != NULL) {
        fhir_conv_period(c,
                         fhir_put(FA(c), obj, fhir_arena_printf(FA(c), "%sPeriod", key),
                                  fhir_node_new(FA(c), FHIR_NODE_OBJECT, NULL)),
                         ts);
    } else if (fhir_cda_attr(c, ts, "value") != NULL) {
        fhir_put_str(FA(c), obj, fhir_arena_printf(FA(c), "%sDateTime", key),
                     fhir_ts_datetime(c, fhir_cda_attr(c, ts, "value")));
    }
}

/* value[x] chosen by xsi:type. */
static void value(fhir_ctx *c, fhir_node *tgt, const char *dst, const fhir_value_kind *kinds,
                  const xmlNode *v)
{
    const char *type = fhir_cda_attr(c, v, "xsi:type");
    const char *key;
    fhir_node *obj;
    const char *name;
    size_t i;

    if (type == NULL) {
        return;
    }
    for (i = 0; kinds[i].xsi_type != NULL; i++) {
        if (strcmp(kinds[i].xsi_type, type) == 0) {
            break;
        }
    }
    if (kinds[i].xsi_type == NULL) {
        return;
    }
    obj = fhir_rules_dst(c, tgt, dst, &key);
    name = fhir_arena_printf(FA(c), "%s%s", key, kinds[i].suffix);
    switch (kinds[i].op) {
    case FHIR_OP_CC:
        fhir_conv_cc(c, fhir_put(FA(c), obj, name, fhir_node_new(FA(c), FHIR_NODE_OBJECT, NULL)),
                     v);
        break;
    case FHIR_OP_QTY:
        fhir_conv_quantity(
            c, fhir_put(FA(c), obj, name, fhir_node_new(FA(c), FHIR_NODE_OBJECT, NULL)), v);
        break;
    case FHIR_OP_PERIOD:
        fhir_conv_period(
            c, fhir_put(FA(c), obj, name, fhir_node_new(FA(c), FHIR_NODE_OBJECT, NULL)), v);
        break;
    case FHIR_OP_TEXT:
        fhir_put_str(FA(c), obj, name, fhir_cda_text(c, v));
        break;
    case FHIR_OP_NUM:
        fhir_put_num(FA(c), obj, name, fhir_cda_attr(c, v, "value"));
        break;
    case FHIR_OP_DATETIME:
        fhir_put_str(FA(c), obj, name, fhir_ts_datetime(c, fhir_cda_attr(c, v, "value")));
        break;
    case FHIR_OP_CONST:
        if (fhir_cda_attr(c, v, "value") != NULL) {
            fhir_put(FA(c), obj, name,
                     fhir_node_new(FA(c), FHIR_NODE_BOOL,
                                   strcmp(fhir_cda_attr(c, v, "value"), "true") == 0 ? "true"
                                                                                     : "false"));
        }
        break;
    default:
        break;
    }
}

fhir_entry *fhir_rules_new(fhir_ctx *c, const fhir_res_desc *desc, const xmlNode *src)
{
    fhir_entry *e = fhir_entry_post(c, desc->type);

    if (e == NULL) {
        return NULL;
    }
    fhir_stack_push(c, e);
    fhir_rules_apply(c, &desc->rules, src, e->res);
    fhir_stack_pop(c);
    return e;
}

/* FHIR_OP_NEW: a POST resource from the descriptor, its Reference at dst. */
static void new_resource(fhir_ctx *c, const fhir_rule *r, const xmlNode *m, fhir_node *tgt)
{
    const fhir_res_desc *desc = r->arg;
    fhir_entry *e = fhir_entry_post(c, desc->type);
    const char *key;
    fhir_node *obj;

    if (e == NULL) {
        return;
    }
    if (r->dst != NULL) {
        obj = fhir_rules_dst(c, tgt, r->dst, &key);
        fhir_ref(c, obj, key, e);
    }
    fhir_stack_push(c, e);
    fhir_rules_apply(c, &desc->rules, m, e->res);
    fhir_stack_pop(c);
}

/* FHIR_OP_CODING_CC: one coding without version or translations. */
static void coding_cc(fhir_ctx *c, fhir_node *cc, const xmlNode *m)
{
    fhir_node *coding = fhir_node_new(FA(c), FHIR_NODE_OBJECT, NULL);

    fhir_conv_coding(c, coding, m);
    fhir_remove(coding, "version");
    if (!fhir_empty(coding)) {
        fhir_append(fhir_arr(FA(c), cc, "coding"), coding);
    }
}

/* The string a string-valued rule writes for one match; NULL: nothing.
 * *is_string is false for the operations that are not string-valued. */
static const char *string_value(fhir_ctx *c, const fhir_rule *r, const xmlNode *m, bool *is_string)
{
    *is_string = true;
    switch (r->op) {
    case FHIR_OP_CODE:
        return fhir_cda_attr(c, m, "code");
    case FHIR_OP_MAP:
        return fhir_map_code(r->arg, fhir_cda_attr(c, m, "code"));
    case FHIR_OP_CONST:
        return r->arg;
    case FHIR_OP_ATTR:
        return fhir_cda_attr(c, m, r->arg);
    case FHIR_OP_TEXT:
        return fhir_cda_text(c, m);
    case FHIR_OP_REFTEXT:
        return fhir_cda_path_attr(c, m, "reference", "value");
    case FHIR_OP_DATETIME:
        return fhir_ts_datetime(c, fhir_cda_attr(c, m, "value"));
    case FHIR_OP_DATE:
        return fhir_ts_date(c, fhir_cda_attr(c, m, "value"));
    case FHIR_OP_NARRATIVE:
        return fhir_narrative(c, m);
    case FHIR_OP_OID:
        return fhir_cda_attr(c, m, r->arg) != NULL ? fhir_oid_uri(c, fhir_cda_attr(c, m, r->arg))
                                                   : NULL;
    default:
        *is_string = false;
        return NULL;
    }
}

/* A JSON number or boolean member at the rule's destination. */
static void put_scalar(fhir_ctx *c, fhir_node *tgt, const char *dst, fhir_kind kind,
                       const char *text)
{
    const char *key;
    fhir_node *obj;

    if (text == NULL) {
        return;
    }
    obj = fhir_rules_dst(c, tgt, dst, &key);
    fhir_rules_put(c, obj, key, fhir_node_new(FA(c), kind, text));
}

/* One rule on one matched element. */
static void apply_one(fhir_ctx *c, const fhir_rule *r, const xmlNode *m, fhir_node *tgt)
{
    const char *key;
    fhir_node *obj;
    bool is_string;
    const char *str = string_value(c, r, m, &is_string);

    if (is_string) {
        put_string(c, tgt, r->dst, str);
        return;
    }
    switch (r->op) {
    case FHIR_OP_CC:
        fhir_conv_cc(c, new_obj(c, tgt, r->dst), m);
        break;
    case FHIR_OP_CODING:
        /* the maps' Coding rules carry code, system and display only */
        obj = new_obj(c, tgt, r->dst);
        fhir_conv_coding(c, obj, m);
        fhir_remove(obj, "version");
        break;
    case FHIR_OP_PERIOD:
        fhir_conv_period(c, new_obj(c, tgt, r->dst), m);
        break;
    case FHIR_OP_QTY:
        fhir_conv_quantity(c, new_obj(c, tgt, r->dst), m);
        break;
    case FHIR_OP_NUM:
        put_scalar(c, tgt, r->dst, FHIR_NODE_NUMBER, fhir_cda_attr(c, m, r->arg));
        break;
    case FHIR_OP_NUM_CONST:
        put_scalar(c, tgt, r->dst, FHIR_NODE_NUMBER, r->arg);
        break;
    case FHIR_OP_BOOL:
        put_scalar(c, tgt, r->dst, FHIR_NODE_BOOL, r->arg);
        break;
    case FHIR_OP_CODING_CC:
        coding_cc(c, new_obj(c, tgt, r->dst), m);
        break;
    case FHIR_OP_IDENT:
        fhir_conv_identifier(c, new_obj(c, tgt, r->dst), m);
        break;
    case FHIR_OP_NEST:
        fhir_rules_apply(c, r->arg, m, r->dst != NULL ? new_obj(c, tgt, r->dst) : tgt);
        break;
    case FHIR_OP_EFFECTIVE:
        effective(c, tgt, r->dst, m);
        break;
    case FHIR_OP_VALUE:
        value(c, tgt, r->dst, r->arg, m);
        break;
    case FHIR_OP_NEW:
        new_resource(c, r, m, tgt);
        break;
    case FHIR_OP_REF:
        obj = fhir_rules_dst(c, tgt, r->dst, &key);
        fhir_ref(c, obj, key, ref_target(c, r->arg));
        break;
    case FHIR_OP_FN:
        r->fn(c, m, tgt, r);
        break;
    default:
        break;
    }
}

void fhir_rules_apply(fhir_ctx *c, const fhir_rules *rules, const xmlNode *src, fhir_node *tgt)
{
    size_t i;
    size_t k;

    if (src == NULL || tgt == NULL) {
        return;
    }
    for (i = 0; i < rules->n && c->arena.err == FSE_OK; i++) {
        const fhir_rule *r = &rules->items[i];
        fhir_nodes m = fhir_cda_select(c, src, r->src);
        for (k = 0; k < m.n; k++) {
            apply_one(c, r, m.items[k], tgt);
        }
    }
}
