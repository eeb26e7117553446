/*
 * lib/fhir/fhir_reach.c - the reachability check of the EDS data-quality
 * step (eds-fhir §4; DQ GraphSRV, DepthFirstSearchUtility, GraphDTO): nodes
 * are the resources of the bundle, edges every reference with its path
 * ("<SourceType>.<element path>"); the walk starts at the DocumentReference
 * and follows an edge only when its path is a search-parameter path of the
 * source type. Every edge not traversed and every resource neither reached
 * nor named by such an edge is reported, in DQ's "src^target^path" form.
 * What a second walk, also following the paths the official maps are known
 * to write outside the search parameters, does traverse is reported as a
 * known issue of the official mapping instead.
 *
 * Owns the table of reference search-parameter paths: the R4 search
 * parameters of reference type of the resource types the maps create, cleaned
 * as FHIRSRV SearchParamHelper does (".where(...)" and " as X" dropped), plus
 * FHIRSRV's custom ones (custom/resource/Extended*.java), and the table of
 * those known paths.
 */
#include "fhir_check_int.h"

#include <stdio.h>
#include <string.h>

#include "fse/util.h"

static const char *const search_paths[] = {
    "AllergyIntolerance.asserter",
    "AllergyIntolerance.patient",
    "AllergyIntolerance.recorder",
    "AllergyIntolerance.encounter",
    "AllergyIntolerance.note.author",
    "BodyStructure.patient",
    "CarePlan.activity.reference",
    "CarePlan.basedOn",
    "CarePlan.careTeam",
    "CarePlan.addresses",
    "CarePlan.encounter",
    "CarePlan.goal",
    "CarePlan.partOf",
    "CarePlan.subject",
    "CarePlan.activity.detail.performer",
    "CarePlan.replaces",
    "CarePlan.activity.detail.reasonReference",
    "CarePlan.activity.outcomeReference",
    "CarePlan.note.author",
    "Composition.attester.party",
    "Composition.author",
    "Composition.encounter",
    "Composition.section.entry",
    "Composition.subject",
    "Composition.relatesTo.target",
    "Composition.section.section.entry",
    "Composition.custodian",
    "Composition.event.detail",
    "Condition.asserter",
    "Condition.encounter",
    "Condition.evidence.detail",
    "Condition.subject",
    "Condition.note.author",
    "Coverage.beneficiary",
    "Coverage.payor",
    "Coverage.policyHolder",
    "Coverage.subscriber",
    "Device.location",
    "Device.owner",
    "Device.patient",
    "DiagnosticReport.basedOn",
    "DiagnosticReport.encounter",
    "DiagnosticReport.media.link",
    "DiagnosticReport.performer",
    "DiagnosticReport.result",
    "DiagnosticReport.resultsInterpreter",
    "DiagnosticReport.specimen",
    "DiagnosticReport.subject",
    "DiagnosticReport.imagingStudy",
    "DocumentReference.authenticator",
    "DocumentReference.author",
    "DocumentReference.custodian",
    "DocumentReference.context.encounter",
    "DocumentReference.context.related",
    "DocumentReference.relatesTo.target",
    "DocumentReference.subject",
    "Encounter.account",
    "Encounter.appointment",
    "Encounter.basedOn",
    "Encounter.diagnosis.condition",
    "Encounter.episodeOfCare",
    "Encounter.location.location",
    "Encounter.partOf",
    "Encounter.participant.individual",
    "Encounter.reasonReference",
    "Encounter.serviceProvider",
    "Encounter.subject",
    "FamilyMemberHistory.patient",
    "FamilyMemberHistory.note.author",
    "ImagingStudy.basedOn",
    "ImagingStudy.encounter",
    "ImagingStudy.endpoint",
    "ImagingStudy.series.endpoint",
    "ImagingStudy.interpreter",
    "ImagingStudy.series.performer.actor",
    "ImagingStudy.referrer",
    "ImagingStudy.subject",
    "Immunization.location",
    "Immunization.manufacturer",
    "Immunization.patient",
    "Immunization.performer.actor",
    "Immunization.reaction.detail",
    "Immunization.reasonReference",
    "List.encounter",
    "List.entry.item",
    "List.source",
    "List.subject",
    "Location.endpoint",
    "Location.managingOrganization",
    "Location.partOf",
    "Media.basedOn",
    "Media.device",
    "Media.encounter",
    "Media.operator",
    "Media.subject",
    "Medication.ingredient.item",
    "Medication.manufacturer",
    "MedicationAdministration.context",
    "MedicationAdministration.device",
    "MedicationAdministration.medication",
    "MedicationAdministration.performer.actor",
    "MedicationAdministration.request",
    "MedicationAdministration.subject",
    "MedicationRequest.encounter",
    "MedicationRequest.dispenseRequest.performer",
    "MedicationRequest.performer",
    "MedicationRequest.medication",
    "MedicationRequest.requester",
    "MedicationRequest.subject",
    "MedicationRequest.note.author",
    "MedicationStatement.context",
    "MedicationStatement.medication",
    "MedicationStatement.partOf",
    "MedicationStatement.informationSource",
    "MedicationStatement.subject",
    "MedicationStatement.note.author",
    "Observation.basedOn",
    "Observation.derivedFrom",
    "Observation.device",
    "Observation.encounter",
    "Observation.focus",
    "Observation.hasMember",
    "Observation.partOf",
    "Observation.performer",
    "Observation.specimen",
    "Observation.subject",
    "Observation.note.author",
    "Organization.endpoint",
    "Organization.partOf",
    "OrganizationAffiliation.endpoint",
    "OrganizationAffiliation.location",
    "OrganizationAffiliation.network",
    "OrganizationAffiliation.participatingOrganization",
    "OrganizationAffiliation.organization",
    "OrganizationAffiliation.healthcareService",
    "Patient.generalPractitioner",
    "Patient.link.other",
    "Patient.managingOrganization",
    "PractitionerRole.endpoint",
    "PractitionerRole.location",
    "PractitionerRole.organization",
    "PractitionerRole.practitioner",
    "PractitionerRole.healthcareService",
    "Procedure.basedOn",
    "Procedure.encounter",
    "Procedure.location",
    "Procedure.partOf",
    "Procedure.performer.actor",
    "Procedure.reasonReference",
    "Procedure.subject",
    "Procedure.usedReference",
    "RelatedPerson.patient",
    "ServiceRequest.basedOn",
    "ServiceRequest.encounter",
    "ServiceRequest.performer",
    "ServiceRequest.replaces",
    "ServiceRequest.requester",
    "ServiceRequest.specimen",
    "ServiceRequest.subject",
    "Specimen.parent",
    "Specimen.subject",
    "Specimen.collection.collector",
};

/*
 * References the official maps write on paths that are no search parameter
 * (docs/fhir.md, "Known issues of the official mapping"): a bundle the
 * Gateway sends has them too. The check reports what they leave untraversed
 * as FSE_FHIR_ISSUE_KNOWN_MAPPING, not as a defect of the conversion.
 */
static const char *const known_paths[] = {
    /* RefertodiAnatomiaPatologica approachBodyStructure: the BodyStructure of
     * a Procedure through procedure-approachBodyStructure */
    "Procedure.extension.value",
    /* RefertodiAnatomiaPatologica: the author of the notes of the history
     * Lists (FHIRSRV's "author" is note.author on other types only) */
    "List.note.author",
    /* FULLHEADER: the Organization of a patient's guardian */
    "Patient.contact.organization",
};

/* R4 choice elements of type Reference: the path uses the element name. */
static const char *const choice_refs[] = {"medicationReference", "itemReference",
                                          "valueReference",      "targetReference",
                                          "reportedReference",   "authorReference"};

typedef struct edge {
    size_t src;
    char *target; /* "Type/id" */
    char *path;
    bool search;
    bool known;           /* a path of known_paths */
    bool traversed;       /* by DQ's walk */
    bool traversed_known; /* by the walk that also follows known_paths */
} edge;

typedef struct graph {
    char **nodes;
    size_t n_nodes;
    bool *reached;       /* by DQ's walk */
    bool *reached_known; /* by the walk that also follows known_paths */
    edge *edges;
    size_t n_edges;
    size_t cap_edges;
} graph;

static bool is_search_path(const char *path)
{
    size_t i;

    for (i = 0; i < sizeof(search_paths) / sizeof(search_paths[0]); i++) {
        if (strcmp(search_paths[i], path) == 0) {
            return true;
        }
    }
    return false;
}

static bool is_known_path(const char *path)
{
    size_t i;

    for (i = 0; i < sizeof(known_paths) / sizeof(known_paths[0]); i++) {
        if (strcmp(known_paths[i], path) == 0) {
            return true;
        }
    }
    return false;
}

static const char *element_name(const char *key)
{
    static const size_t suffix = sizeof("Reference") - 1;
    size_t i;

    for (i = 0; i < sizeof(choice_refs) / sizeof(choice_refs[0]); i++) {
        if (strcmp(choice_refs[i], key) == 0) {
            /* the caller copies strlen(key) - suffix characters */
            return key + strlen(key) - suffix;
        }
    }
    return NULL;
}

/* "Type/id" of a reference (absolute or relative), or NULL. */
static char *ref_target(const char *ref)
{
    const char *end = ref + strlen(ref);
    const char *slash = end;
    const char *prev;

    while (slash > ref && slash[-1] != '/') {
        slash--;
    }
    if (slash == ref || slash == end) {
        return NULL;
    }
    prev = slash - 1;
    while (prev > ref && prev[-1] != '/') {
        prev--;
    }
    return fse_strdup(prev);
}

static fse_err add_edge(graph *g, size_t src, const char *target, const char *path)
{
    edge *e;

    if (g->n_edges == g->cap_edges) {
        size_t cap = g->cap_edges == 0 ? 64 : g->cap_edges * 2;
        edge *items = fse_realloc(g->edges, cap * sizeof(*items));
        if (items == NULL) {
            return fse_error_set(FSE_E_NOMEM, "fhir", "out of memory");
        }
        g->edges = items;
        g->cap_edges = cap;
    }
    e = &g->edges[g->n_edges];
    memset(e, 0, sizeof(*e));
    e->src = src;
    e->target = ref_target(target);
    e->path = fse_strdup(path);
    if (e->path == NULL) {
        fse_free(e->target);
        return fse_error_set(FSE_E_NOMEM, "fhir", "out of memory");
    }
    if (e->target == NULL) {
        fse_free(e->path);
        return FSE_OK; /* not traversable: DQ drops it */
    }
    e->search = is_search_path(path);
    e->known = is_known_path(path);
    g->n_edges++;
    return FSE_OK;
}

/* Collect the references of v with their element paths. */
static fse_err collect(graph *g, size_t src, const char *path, json_t *v)
{
    const char *key;
    json_t *ch;
    size_t i;
    fse_err rc = FSE_OK;
    char sub[512];

    if (json_is_array(v)) {
        json_array_foreach(v, i, ch)
        {
            rc = collect(g, src, path, ch);
            if (rc != FSE_OK) {
                return rc;
            }
        }
        return FSE_OK;
    }
    if (!json_is_object(v)) {
        return FSE_OK;
    }
    if (json_is_string(json_object_get(v, "reference"))) {
        rc = add_edge(g, src, json_string_value(json_object_get(v, "reference")), path);
        if (rc != FSE_OK) {
            return rc;
        }
    }
    json_object_foreach(v, key, ch)
    {
        const char *suffix = element_name(key);
        int n = suffix != NULL
                    ? snprintf(sub, sizeof(sub), "%s.%.*s", path, (int)(suffix - key), key)
                    : snprintf(sub, sizeof(sub), "%s.%s", path, key);
        /* Reference.reference is the edge itself; an element named "reference"
         * holding a Reference (CarePlan.activity.reference) is walked */
        if (n < 0 || (size_t)n >= sizeof(sub) ||
            (strcmp(key, "reference") == 0 && json_is_string(ch))) {
            continue;
        }
        rc = collect(g, src, sub, ch);
        if (rc != FSE_OK) {
            return rc;
        }
    }
    return FSE_OK;
}

static void graph_free(graph *g)
{
    size_t i;

    for (i = 0; i < g->n_nodes; i++) {
        fse_free(g->nodes[i]);
    }
    for (i = 0; i < g->n_edges; i++) {
        fse_free(g->edges[i].target);
        fse_free(g->edges[i].path);
    }
    fse_free(g->nodes);
    fse_free(g->reached);
    fse_free(g->reached_known);
    fse_free(g->edges);
}

static size_t node_index(const graph *g, const char *id)
{
    size_t i;

    for (i = 0; i < g->n_nodes; i++) {
        if (strcmp(g->nodes[i], id) == 0) {
            return i;
        }
    }
    return g->n_nodes;
}

/*
 * Walk from start; every search-parameter edge of a reached node is
 * traversed, and with known also the edges on known_paths.
 */
static fse_err walk(graph *g, size_t start, bool known)
{
    size_t *stack = fse_malloc((g->n_nodes + 1) * sizeof(*stack));
    bool *reached = known ? g->reached_known : g->reached;
    size_t top = 0;
    size_t i;

    if (stack == NULL) {
        return fse_error_set(FSE_E_NOMEM, "fhir", "out of memory");
    }
    reached[start] = true;
    stack[top++] = start;
    while (top > 0) {
        size_t n = stack[--top];
        for (i = 0; i < g->n_edges; i++) {
            edge *e = &g->edges[i];
            bool *traversed = known ? &e->traversed_known : &e->traversed;
            size_t t;
            if (e->src != n || !(e->search || (known && e->known)) || *traversed) {
                continue;
            }
            *traversed = true;
            t = node_index(g, e->target);
            if (t < g->n_nodes && !reached[t]) {
                reached[t] = true;
                stack[top++] = t;
            }
        }
    }
    fse_free(stack);
    return FSE_OK;
}

#define KNOWN_PREFIX "known issue of the official mapping (docs/fhir.md): "

static fse_err report_edges(fse_fhir_issues *out, const graph *g)
{
    size_t i;
    fse_err rc = FSE_OK;
    char where[1024];

    for (i = 0; i < g->n_edges && rc == FSE_OK; i++) {
        const edge *e = &g->edges[i];
        const char *why = e->search ? "reference from a resource not reachable from the "
                                      "DocumentReference"
                                    : "reference path is not a search parameter";
        if (e->traversed) {
            continue;
        }
        snprintf(where, sizeof(where), "%s^%s^%s", g->nodes[e->src], e->target, e->path);
        if (e->traversed_known) {
            rc = fhir_issue_add(out, FSE_FHIR_ISSUE_KNOWN_MAPPING, where, KNOWN_PREFIX "%s", why);
        } else {
            rc = fhir_issue_add(out, FSE_FHIR_ISSUE_NOT_TRAVERSED, where, "%s", why);
        }
    }
    return rc;
}

/* Resources not reached and not named by an edge already reported. */
static fse_err report_nodes(fse_fhir_issues *out, const graph *g)
{
    size_t i;
    size_t k;
    fse_err rc = FSE_OK;

    for (i = 0; i < g->n_nodes && rc == FSE_OK; i++) {
        bool named = false;
        if (g->reached[i]) {
            continue;
        }
        for (k = 0; k < g->n_edges && !named; k++) {
            named = !g->edges[k].traversed &&
                    (g->edges[k].src == i || strcmp(g->edges[k].target, g->nodes[i]) == 0);
        }
        if (named) {
            continue;
        }
        if (g->reached_known[i]) {
            rc = fhir_issue_add(out, FSE_FHIR_ISSUE_KNOWN_MAPPING, g->nodes[i],
                                KNOWN_PREFIX "resource not reachable from the DocumentReference");
        } else {
            rc = fhir_issue_add(out, FSE_FHIR_ISSUE_NOT_TRAVERSED, g->nodes[i],
                                "resource not reachable from the DocumentReference");
        }
    }
    return rc;
}

fse_err fse_fhir_check_reachability(fse_fhir_issues *out, const char *json, size_t len)
{
    json_t *b = NULL;
    json_t *entries;
    json_t *e;
    graph g;
    size_t i;
    size_t start;
    fse_err rc;

    if (out == NULL) {
        return fse_error_set(FSE_E_ARG, "fhir", "NULL issue list");
    }
    rc = fhir_check_load(&b, json, len);
    if (rc != FSE_OK) {
        return rc;
    }
    memset(&g, 0, sizeof(g));
    entries = json_object_get(b, "entry");
    g.nodes = fse_calloc(json_array_size(entries) + 1, sizeof(*g.nodes));
    g.reached = fse_calloc(json_array_size(entries) + 1, sizeof(*g.reached));
    g.reached_known = fse_calloc(json_array_size(entries) + 1, sizeof(*g.reached_known));
    if (g.nodes == NULL || g.reached == NULL || g.reached_known == NULL) {
        rc = fse_error_set(FSE_E_NOMEM, "fhir", "out of memory");
        goto done;
    }
    json_array_foreach(entries, i, e)
    {
        json_t *res = json_object_get(e, "resource");
        const char *type = json_string_value(json_object_get(res, "resourceType"));
        const char *id = json_string_value(json_object_get(res, "id"));
        char name[512];
        if (type == NULL || id == NULL) {
            continue;
        }
        snprintf(name, sizeof(name), "%s/%s", type, id);
        g.nodes[g.n_nodes] = fse_strdup(name);
        if (g.nodes[g.n_nodes] == NULL) {
            rc = fse_error_set(FSE_E_NOMEM, "fhir", "out of memory");
            goto done;
        }
        rc = collect(&g, g.n_nodes, type, res);
        g.n_nodes++;
        if (rc != FSE_OK) {
            goto done;
        }
    }
    for (start = 0; start < g.n_nodes; start++) {
        if (strstr(g.nodes[start], "DocumentReference") != NULL) {
            break;
        }
    }
    if (start < g.n_nodes) {
        rc = walk(&g, start, false);
        if (rc == FSE_OK) {
            rc = walk(&g, start, true);
        }
    }
    if (rc == FSE_OK) {
        rc = report_edges(out, &g);
    }
    if (rc == FSE_OK) {
        rc = report_nodes(out, &g);
    }
done:
    graph_free(&g);
    json_decref(b);
    return rc;
}
