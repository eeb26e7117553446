/*
 * lib/fhir/fhir_map_common.h - body mapping pieces several document types
 * share (observation status and values, procedure status, body
 * practitioners, clinical status, allergies, medications and dosages).
 * Included by the fhir_map_*.c files only.
 */
#ifndef FSE_FHIR_MAP_COMMON_H
#define FSE_FHIR_MAP_COMMON_H

#include "fhir_int.h"

extern const fhir_code_map fhir_obs_status[];
extern const fhir_code_map fhir_procedure_status[];
/* Allergy type and criticality, and the category map as deployed (typos kept). */
extern const fhir_code_map fhir_allergy_type[];
extern const fhir_code_map fhir_allergy_criticality[];
extern const fhir_code_map fhir_allergy_category_as_map[];
/* value:INT, BL, CD, CE, PQ, ST */
extern const fhir_value_kind fhir_obs_values[];

/* FHIR_OP_FN: a Practitioner candidate (scoring tag r->arg) from an entity
 * element (assignedEntity, participantRole), a Reference at r->dst when it
 * has a "<root>-<extension>" id. */
void fhir_body_practitioner(fhir_ctx *c, const xmlNode *entity, fhir_node *tgt, const fhir_rule *r);
/* FHIR_OP_FN on a status observation (33999-4): clinicalStatus with the
 * code system r->arg (active/inactive from LA16666-2/LA18632-2). */
void fhir_clinical_status(fhir_ctx *c, const xmlNode *obs, fhir_node *tgt, const fhir_rule *r);
/* The same without the text (the allergy maps). */
void fhir_allergy_status(fhir_ctx *c, const xmlNode *obs, fhir_node *tgt, const fhir_rule *r);

/* FHIR_OP_FN on an IVL_TS: <r->dst>Period replaces <r->dst>DateTime (a
 * choice element set twice keeps the last type, as the engine does). */
void fhir_choice_period(fhir_ctx *c, const xmlNode *ivl, fhir_node *tgt, const fhir_rule *r);
/* FHIR_OP_FN on a TS: the dateTime of @value at r->dst, or no member at all
 * (an empty dateTime replaces the one there, as the engine does). */
void fhir_set_datetime(fhir_ctx *c, const xmlNode *ts, fhir_node *tgt, const fhir_rule *r);
/* FHIR_OP_FN on an assignedEntity: a PractitionerRole (code from the entity)
 * with its Practitioner candidate (scoring tag r->arg), Reference at r->dst.
 * The role points at the practitioner only when it has a root-extension id. */
void fhir_body_role(fhir_ctx *c, const xmlNode *entity, fhir_node *tgt, const fhir_rule *r);
/* FHIR_OP_FN on a participation (performer, author, participant): the
 * PractitionerRole, Practitioner and Organization chain the fhir_party r->arg
 * describes, Reference to the role at r->dst. */
void fhir_body_party_role(fhir_ctx *c, const xmlNode *participation, fhir_node *tgt,
                          const fhir_rule *r);
/* participant.type[] from the participation's typeCode (v3-ParticipationType). */
extern const fhir_rules fhir_participant_type;
/* FHIR_OP_FN of the vaccination maps: the manufacturer Organization (a
 * Reference unless r->arg) and the place Location (fhir_map_vacc.c). */
void fhir_vacc_manufacturer(fhir_ctx *c, const xmlNode *org, fhir_node *imm, const fhir_rule *r);
void fhir_vacc_place(fhir_ctx *c, const xmlNode *part, fhir_node *imm, const fhir_rule *r);

/* FHIR_OP_FN on a participantRole: a Location candidate (scoring tag r->arg)
 * with its identifiers and type, Reference at r->dst when it has a
 * root-extension id. */
void fhir_body_location(fhir_ctx *c, const xmlNode *role, fhir_node *tgt, const fhir_rule *r);

/* Age {value, unit, system UCUM, code} from a PQ. */
extern const fhir_rules fhir_age;
/* Range {low, high} of an IVL_PQ (value and unit each). */
extern const fhir_rules fhir_range;
/* Ratio of a PIVL_TS period: period / 1 period unit. */
extern const fhir_rules fhir_period_ratio;

/* Medication from a substanceAdministration (form, code, strength, amount). */
extern const fhir_res_desc fhir_medication;
/* Its ingredient strength and package amount only. */
extern const fhir_rules fhir_medication_amounts;
/* Allergy from an entry act, or from the narrative of a section without entries. */
extern const fhir_res_desc fhir_allergy;
extern const fhir_res_desc fhir_allergy_narrative;
/* MedicationRequest of a prescription entry, or from the narrative only. */
extern const fhir_res_desc fhir_prescription;
extern const fhir_res_desc fhir_prescription_narrative;
/* MedicationAdministration from the narrative only. */
extern const fhir_res_desc fhir_administration_narrative;

/* Report tables shared by RAD, RSA, RAP (fhir_map_report.c). */
extern const fhir_res_desc fhir_report_observation;
extern const fhir_res_desc fhir_report_condition;
extern const fhir_res_desc fhir_report_allergy;
extern const fhir_res_desc fhir_report_family;
extern const fhir_res_desc fhir_report_family_list;
extern const fhir_res_desc fhir_report_family_list_rsa;
extern const fhir_res_desc fhir_report_allergy_list;
extern const fhir_res_desc fhir_report_allergy_list_section;
/* Observations of narrative-only sections (allergies: with an AllergyIntolerance). */
extern const fhir_res_desc fhir_report_allergy_text_obs;
extern const fhir_res_desc fhir_report_text_obs;
/* The DiagnosticReport of the whole document (fhir_doc_map.before_body). */
void fhir_report_create(fhir_ctx *c);

/* Groups of the PSS map several of its sections call (fhir_map_pss_groups.c). */
extern const fhir_res_desc fhir_pss_observation; /* Observation */
extern const fhir_res_desc fhir_pss_organizer;   /* ObservationOrganizer */
extern const fhir_res_desc fhir_pss_report;      /* DiagnosticReportFunction */
extern const fhir_res_desc fhir_pss_procedure;   /* Procedure (and Device) */
extern const fhir_res_desc fhir_pss_encounter;   /* EncounterFunction */
extern const fhir_res_desc fhir_pss_careplan;    /* CarePlanFunction of a section */
extern const fhir_rules fhir_pss_dosage;         /* MedicationStatement.dosage */
/* Pieces of the VPS map shared by its files (fhir_map_vps.c). */
extern const fhir_rules fhir_vps_authored_note;        /* note: narrative, author, time */
extern const fhir_rules fhir_vps_observation_rules;    /* group Observation */
extern const fhir_res_desc fhir_vps_entry_observation; /* an Observation per entry */
/* Sections of the VPS map with their own file (src: the section). */
extern const fhir_rules fhir_vps_framing;           /* 78337-3, fhir_map_vps_framing.c */
extern const fhir_rules fhir_vps_phases;            /* 46240-8, fhir_map_vps_stay.c */
extern const fhir_rules fhir_vps_therapy;           /* 29549-3, fhir_map_vps_stay.c */
extern const fhir_rules fhir_vps_discharge;         /* 28574-2, fhir_map_vps_stay.c */
extern const fhir_rules fhir_vps_discharge_therapy; /* 75311-1, fhir_map_vps_stay.c */

/* Pieces of the RAP map shared by its files (fhir_map_rap_history.c). */
extern const fhir_rules fhir_rap_author_note; /* src author: time, narrative, Practitioner */
extern const fhir_rules fhir_rap_act_note;    /* src act: the text reference */
extern const fhir_rules fhir_rap_qd_rules;    /* group ObservationQD */
extern const fhir_res_desc fhir_rap_history;  /* the clinical history result (22636-5) */

/* LAB body roles, devices, media and organizers (fhir_map_lab_roles.c). */
extern const fhir_rules fhir_lab_observation_rules; /* Observation of a result (fhir_map_lab.c) */
extern const fhir_rules fhir_lab_obs_roles;         /* of an observation */
extern const fhir_rules fhir_lab_act_roles;         /* of the report act */
extern const fhir_res_desc fhir_lab_organizer;      /* group Organizer */

/* Resources of sections without entries. */
extern const fhir_res_desc fhir_pss_family_text;
extern const fhir_res_desc fhir_pss_careplan_text;
extern const fhir_res_desc fhir_pss_text_obs;

#endif /* FSE_FHIR_MAP_COMMON_H */
