/*
 * tests/mutation/mutation_rows.c - the rows of the mutation table (see
 * mutation.h). Labels are the text before '|' of the asserts in the official
 * schematron of each type (fixtures/validation/schematron/<TYPE>/),
 * spelt as there; messages are those of the Gateway's validator.
 */
#include "mutation.h"

/* One valid sample of each type (type directory, file name). */
#define LAB_1 "LAB", "accr_CasiOK_LAB_-_Caso_di_Test_1.xml"
#define LAB_TRASF "LAB", "accr_CasiOK_Trasfusionale_-_Caso_di_Test_OK.xml"
#define LDO_1 "LDO", "accr_CasiOK_LDO_-_Caso_di_Test_1.xml"
#define LDO_SUPPORT "LDO", "support_esempi_LDO.xml"
#define RAD_1 "RAD", "accr_CasiOK_RAD_-_Caso_di_Test_1.xml"
#define RSA_1 "RSA", "accr_CasiOK_RSA_-_Caso_di_Test_1.xml"
#define CERT_2 "CERT_VACC", "accr_CasiOK_CERT_VACC_-_Caso_di_Test_2.xml"
#define SING_2 "SING_VACC", "accr_CasiOK_SING_VACC_-_Caso_di_Test_2.xml"
#define PSS_S "PSS", "support_esempi_PSS.xml"
#define RAP_1 "RAP", "accr_CasiOK_RAP_-_Caso_di_Test_1.xml"

#define DOC "/hl7:ClinicalDocument"
#define BODY DOC "/hl7:component/hl7:structuredBody"
#define SECTION_WITH(code) BODY "/hl7:component[hl7:section/hl7:code/@code='" code "']"
#define SERVICE_TIME DOC "/hl7:documentationOf/hl7:serviceEvent/hl7:effectiveTime"
#define ENCOUNTER_TIME DOC "/hl7:componentOf/hl7:encompassingEncounter/hl7:effectiveTime"
#define VACCINE_TIME "(//hl7:substanceAdministration/hl7:effectiveTime)[1]"
#define PATIENT_CF                                                                                 \
    DOC "/hl7:recordTarget/hl7:patientRole/hl7:id[@root='2.16.840.1.113883.2.9.4.3.2']"

/* Expected results. */
#define SCH(label) FSE_OUTCOME_SEMANTIC_ERROR, FSE_FAILURE_SCHEMATRON, label, NULL, NULL
#define VOCAB(msg, detail) FSE_OUTCOME_VOCABULARY_ERROR, FSE_FAILURE_VOCABULARY, NULL, msg, detail
#define XSD(msg) FSE_OUTCOME_SYNTAX_ERROR, FSE_FAILURE_XSD, NULL, msg, NULL
#define NO_SCHEMA(ext)                                                                             \
    FSE_OUTCOME_SYNTAX_ERROR, FSE_FAILURE_ROUTING, NULL,                                           \
        "Schema with version " ext " not found on database.", NULL
#define NO_SCHEMATRON(msg, detail)                                                                 \
    FSE_OUTCOME_SEMANTIC_ERROR, FSE_FAILURE_ROUTING, NULL, msg, detail

#define UNKNOWN_LOINC "<translation code=\"00000-0\" codeSystem=\"2.16.840.1.113883.6.1\"/>"
#define NOT_CENSITO "Almeno uno dei seguenti vocaboli non \xc3\xa8 censito"
#define NOT_MANAGED "versione non gestita"
#define LOINC_V10 "2.16.840.1.113883.6.1 v1.0"
#define BAD_CF "RSSMRA22A01"
#define BAD_TYPE_ID "POCD_MT000099UV02"
#define BAD_TEMPLATE "2.16.840.1.113883.2.9.10.1.999"
#define SCHEMATRON_NOT_FOUND "Schematron with template id root "
#define ON_DATABASE "not found on database."
#define WRONG_NS "urn:hl7-org:v2"
#define NO_GLOBAL_DECL "No matching global declaration available for the validation root"

const mutation mut_rows[] = {
    /* Mandatory section missing: the labels of the structuredBody rules. LAB
     * has no fixed section: its leaf section removed leaves a specialty
     * section with no text (the official label is spelt "ERORE"). The
     * vaccination documents have a single section, which the XSD needs: there
     * the mandatory text of the section goes. */
    {G_SECTION, LAB_1, BODY "/hl7:component/hl7:section/hl7:component", MUT_REMOVE, NULL, NULL,
     SCH("ERORE-b3")},
    {G_SECTION, LDO_1, SECTION_WITH("46241-6"), MUT_REMOVE, NULL, NULL, SCH("ERRORE-b1")},
    {G_SECTION, LDO_1, SECTION_WITH("8648-8"), MUT_REMOVE, NULL, NULL, SCH("ERRORE-b3")},
    {G_SECTION, LDO_1, SECTION_WITH("11535-2"), MUT_REMOVE, NULL, NULL, SCH("ERRORE-b5")},
    {G_SECTION, RAD_1, SECTION_WITH("55111-9"), MUT_REMOVE, NULL, NULL, SCH("ERRORE-b1")},
    {G_SECTION, RAD_1, SECTION_WITH("18782-3"), MUT_REMOVE, NULL, NULL, SCH("ERRORE-b4")},
    {G_SECTION, RSA_1, SECTION_WITH("62387-6"), MUT_REMOVE, NULL, NULL, SCH("ERRORE-b1")},
    {G_SECTION, RSA_1, SECTION_WITH("47045-0"), MUT_REMOVE, NULL, NULL, SCH("ERRORE-b4")},
    {G_SECTION, PSS_S, SECTION_WITH("48765-2"), MUT_REMOVE, NULL, NULL, SCH("ERRORE-b1")},
    {G_SECTION, PSS_S, SECTION_WITH("10160-0"), MUT_REMOVE, NULL, NULL, SCH("ERRORE-b5")},
    {G_SECTION, RAP_1, SECTION_WITH("29300-1"), MUT_REMOVE, NULL, NULL, SCH("ERRORE-b3")},
    {G_SECTION, CERT_2, BODY "/hl7:component/hl7:section/hl7:text", MUT_REMOVE, NULL, NULL,
     SCH("ERRORE-b5")},
    {G_SECTION, SING_2, BODY "/hl7:component/hl7:section/hl7:text", MUT_REMOVE, NULL, NULL,
     SCH("ERRORE-b5")},

    /* The LOINC of another document type on ClinicalDocument/code. */
    {G_DOC_LOINC, LAB_1, DOC "/hl7:code", MUT_SET_ATTR, "code", "34105-7", SCH("ERRORE-5")},
    {G_DOC_LOINC, LDO_1, DOC "/hl7:code", MUT_SET_ATTR, "code", "11502-2", SCH("ERRORE-5")},
    {G_DOC_LOINC, RAD_1, DOC "/hl7:code", MUT_SET_ATTR, "code", "11488-4", SCH("ERRORE-5")},
    {G_DOC_LOINC, RSA_1, DOC "/hl7:code", MUT_SET_ATTR, "code", "68604-8", SCH("ERRORE-5")},
    {G_DOC_LOINC, CERT_2, DOC "/hl7:code", MUT_SET_ATTR, "code", "87273-9", SCH("ERRORE-4")},
    {G_DOC_LOINC, SING_2, DOC "/hl7:code", MUT_SET_ATTR, "code", "82593-5", SCH("ERRORE-5")},
    {G_DOC_LOINC, PSS_S, DOC "/hl7:code", MUT_SET_ATTR, "code", "11526-1", SCH("ERRORE-5")},
    {G_DOC_LOINC, RAP_1, DOC "/hl7:code", MUT_SET_ATTR, "code", "60591-5", SCH("ERRORE-4")},

    /* A code LOINC 2.80 does not have, as a translation of the document code. */
    {G_VOCAB_CODE, LAB_1, DOC "/hl7:code", MUT_APPEND_XML, NULL, UNKNOWN_LOINC,
     VOCAB(NOT_CENSITO, "00000-0")},
    {G_VOCAB_CODE, LDO_1, DOC "/hl7:code", MUT_APPEND_XML, NULL, UNKNOWN_LOINC,
     VOCAB(NOT_CENSITO, "00000-0")},
    {G_VOCAB_CODE, RAD_1, DOC "/hl7:code", MUT_APPEND_XML, NULL, UNKNOWN_LOINC,
     VOCAB(NOT_CENSITO, "00000-0")},
    {G_VOCAB_CODE, RSA_1, DOC "/hl7:code", MUT_APPEND_XML, NULL, UNKNOWN_LOINC,
     VOCAB(NOT_CENSITO, "00000-0")},
    {G_VOCAB_CODE, CERT_2, DOC "/hl7:code", MUT_APPEND_XML, NULL, UNKNOWN_LOINC,
     VOCAB(NOT_CENSITO, "00000-0")},
    {G_VOCAB_CODE, SING_2, DOC "/hl7:code", MUT_APPEND_XML, NULL, UNKNOWN_LOINC,
     VOCAB(NOT_CENSITO, "00000-0")},
    {G_VOCAB_CODE, PSS_S, DOC "/hl7:code", MUT_APPEND_XML, NULL, UNKNOWN_LOINC,
     VOCAB(NOT_CENSITO, "00000-0")},
    {G_VOCAB_CODE, RAP_1, DOC "/hl7:code", MUT_APPEND_XML, NULL, UNKNOWN_LOINC,
     VOCAB(NOT_CENSITO, "00000-0")},
    /* An existing ICD-9-CM diagnosis code replaced by one the system lacks. */
    {G_VOCAB_CODE, LDO_1, "(//hl7:value[@codeSystem='2.16.840.1.113883.6.103'])[1]", MUT_SET_ATTR,
     "code", "000.000", VOCAB(NOT_CENSITO, "000.000")},

    /* A version of a managed code system that the dictionary does not have. */
    {G_VOCAB_VER, LAB_1, DOC "/hl7:code", MUT_SET_ATTR, "codeSystemVersion", "1.0",
     VOCAB(NOT_MANAGED, LOINC_V10)},
    {G_VOCAB_VER, LDO_1, DOC "/hl7:code", MUT_SET_ATTR, "codeSystemVersion", "1.0",
     VOCAB(NOT_MANAGED, LOINC_V10)},
    {G_VOCAB_VER, RAD_1, DOC "/hl7:code", MUT_SET_ATTR, "codeSystemVersion", "1.0",
     VOCAB(NOT_MANAGED, LOINC_V10)},
    {G_VOCAB_VER, RSA_1, DOC "/hl7:code", MUT_SET_ATTR, "codeSystemVersion", "1.0",
     VOCAB(NOT_MANAGED, LOINC_V10)},
    {G_VOCAB_VER, CERT_2, DOC "/hl7:code", MUT_SET_ATTR, "codeSystemVersion", "1.0",
     VOCAB(NOT_MANAGED, LOINC_V10)},
    {G_VOCAB_VER, SING_2, DOC "/hl7:code", MUT_SET_ATTR, "codeSystemVersion", "1.0",
     VOCAB(NOT_MANAGED, LOINC_V10)},
    {G_VOCAB_VER, PSS_S, DOC "/hl7:code", MUT_SET_ATTR, "codeSystemVersion", "1.0",
     VOCAB(NOT_MANAGED, LOINC_V10)},
    {G_VOCAB_VER, RAP_1, DOC "/hl7:code", MUT_SET_ATTR, "codeSystemVersion", "1.0",
     VOCAB(NOT_MANAGED, LOINC_V10)},
    {G_VOCAB_VER, LAB_TRASF, DOC "/hl7:confidentialityCode", MUT_SET_ATTR, "codeSystemVersion",
     "9.9", VOCAB(NOT_MANAGED, "2.16.840.1.113883.5.25 v9.9")},

    /* effectiveTime/high before effectiveTime/low. */
    {G_INTERVAL, LAB_1, SERVICE_TIME, MUT_REVERSE_INTERVAL, NULL, NULL, SCH("ERROR-49")},
    {G_INTERVAL, LDO_1, ENCOUNTER_TIME, MUT_REVERSE_INTERVAL, NULL, NULL, SCH("ERROR-54")},
    {G_INTERVAL, RAD_1, SERVICE_TIME, MUT_REVERSE_INTERVAL, NULL, NULL, SCH("ERROR-53")},
    {G_INTERVAL, RSA_1, ENCOUNTER_TIME, MUT_REVERSE_INTERVAL, NULL, NULL, SCH("ERRORE-50")},
    {G_INTERVAL, CERT_2, VACCINE_TIME, MUT_REVERSE_INTERVAL, NULL, NULL, SCH("ERROR-38")},
    {G_INTERVAL, SING_2, VACCINE_TIME, MUT_REVERSE_INTERVAL, NULL, NULL, SCH("ERRORE-40")},
    {G_INTERVAL, PSS_S, SERVICE_TIME, MUT_REVERSE_INTERVAL, NULL, NULL, SCH("ERROR-57")},
    {G_INTERVAL, RAP_1, SERVICE_TIME, MUT_REVERSE_INTERVAL, NULL, NULL, SCH("ERRORE-40")},

    /* Codice fiscale of the patient not 16 characters [A-Z0-9]. */
    {G_CF, LAB_1, PATIENT_CF, MUT_SET_ATTR, "extension", BAD_CF, SCH("ERRORE-46")},
    {G_CF, LDO_1, PATIENT_CF, MUT_SET_ATTR, "extension", BAD_CF, SCH("Errore-47")},
    {G_CF, LDO_SUPPORT, PATIENT_CF, MUT_SET_ATTR, "extension", "rssmra22a01a399z",
     SCH("Errore-47")},
    {G_CF, RAD_1, PATIENT_CF, MUT_SET_ATTR, "extension", BAD_CF, SCH("Errore-46")},
    {G_CF, RSA_1, PATIENT_CF, MUT_SET_ATTR, "extension", BAD_CF, SCH("ERRORE-44")},
    {G_CF, CERT_2, PATIENT_CF, MUT_SET_ATTR, "extension", BAD_CF, SCH("ERRORE-33")},
    {G_CF, SING_2, PATIENT_CF, MUT_SET_ATTR, "extension", BAD_CF, SCH("ERRORE-35")},
    {G_CF, PSS_S, PATIENT_CF, MUT_SET_ATTR, "extension", BAD_CF, SCH("ERRORE-52")},
    {G_CF, RAP_1, PATIENT_CF, MUT_SET_ATTR, "extension", BAD_CF, SCH("ERRORE-37")},

    /* The default namespace of the document is not HL7 v3. */
    {G_NAMESPACE, LAB_1, DOC, MUT_DEFAULT_NS, NULL, WRONG_NS, XSD(NO_GLOBAL_DECL)},
    {G_NAMESPACE, LDO_1, DOC, MUT_DEFAULT_NS, NULL, WRONG_NS, XSD(NO_GLOBAL_DECL)},
    {G_NAMESPACE, RAD_1, DOC, MUT_DEFAULT_NS, NULL, WRONG_NS, XSD(NO_GLOBAL_DECL)},
    {G_NAMESPACE, RSA_1, DOC, MUT_DEFAULT_NS, NULL, WRONG_NS, XSD(NO_GLOBAL_DECL)},
    {G_NAMESPACE, CERT_2, DOC, MUT_DEFAULT_NS, NULL, WRONG_NS, XSD(NO_GLOBAL_DECL)},
    {G_NAMESPACE, SING_2, DOC, MUT_DEFAULT_NS, NULL, WRONG_NS, XSD(NO_GLOBAL_DECL)},
    {G_NAMESPACE, PSS_S, DOC, MUT_DEFAULT_NS, NULL, WRONG_NS, XSD(NO_GLOBAL_DECL)},
    {G_NAMESPACE, RAP_1, DOC, MUT_DEFAULT_NS, NULL, WRONG_NS, XSD(NO_GLOBAL_DECL)},

    /* typeId/@extension naming no schema. */
    {G_TYPE_ID, LAB_1, DOC "/hl7:typeId", MUT_SET_ATTR, "extension", BAD_TYPE_ID,
     NO_SCHEMA(BAD_TYPE_ID)},
    {G_TYPE_ID, LDO_1, DOC "/hl7:typeId", MUT_SET_ATTR, "extension", BAD_TYPE_ID,
     NO_SCHEMA(BAD_TYPE_ID)},
    {G_TYPE_ID, RAD_1, DOC "/hl7:typeId", MUT_SET_ATTR, "extension", BAD_TYPE_ID,
     NO_SCHEMA(BAD_TYPE_ID)},
    {G_TYPE_ID, RSA_1, DOC "/hl7:typeId", MUT_SET_ATTR, "extension", BAD_TYPE_ID,
     NO_SCHEMA(BAD_TYPE_ID)},
    {G_TYPE_ID, CERT_2, DOC "/hl7:typeId", MUT_SET_ATTR, "extension", BAD_TYPE_ID,
     NO_SCHEMA(BAD_TYPE_ID)},
    {G_TYPE_ID, SING_2, DOC "/hl7:typeId", MUT_SET_ATTR, "extension", BAD_TYPE_ID,
     NO_SCHEMA(BAD_TYPE_ID)},
    {G_TYPE_ID, PSS_S, DOC "/hl7:typeId", MUT_SET_ATTR, "extension", BAD_TYPE_ID,
     NO_SCHEMA(BAD_TYPE_ID)},
    {G_TYPE_ID, RAP_1, DOC "/hl7:typeId", MUT_SET_ATTR, "extension", BAD_TYPE_ID,
     NO_SCHEMA(BAD_TYPE_ID)},
    /* No typeId at all: the extension is empty. */
    {G_TYPE_ID, RSA_1, DOC "/hl7:typeId", MUT_REMOVE, NULL, NULL, FSE_OUTCOME_SYNTAX_ERROR,
     FSE_FAILURE_ROUTING, NULL, "Schema with version  not found on database.", NULL},

    /* The first templateId routes to no schematron. */
    {G_TEMPLATE_ID, LAB_1, DOC "/hl7:templateId[1]", MUT_SET_ATTR, "root", BAD_TEMPLATE,
     NO_SCHEMATRON(SCHEMATRON_NOT_FOUND BAD_TEMPLATE " " ON_DATABASE, NULL)},
    {G_TEMPLATE_ID, LDO_1, DOC "/hl7:templateId[1]", MUT_SET_ATTR, "root", BAD_TEMPLATE,
     NO_SCHEMATRON(SCHEMATRON_NOT_FOUND BAD_TEMPLATE " " ON_DATABASE, NULL)},
    {G_TEMPLATE_ID, RAD_1, DOC "/hl7:templateId[1]", MUT_SET_ATTR, "root", BAD_TEMPLATE,
     NO_SCHEMATRON(SCHEMATRON_NOT_FOUND BAD_TEMPLATE " " ON_DATABASE, NULL)},
    {G_TEMPLATE_ID, RSA_1, DOC "/hl7:templateId[1]", MUT_SET_ATTR, "root", BAD_TEMPLATE,
     NO_SCHEMATRON(SCHEMATRON_NOT_FOUND BAD_TEMPLATE " " ON_DATABASE, NULL)},
    {G_TEMPLATE_ID, CERT_2, DOC "/hl7:templateId[1]", MUT_SET_ATTR, "root", BAD_TEMPLATE,
     NO_SCHEMATRON(SCHEMATRON_NOT_FOUND BAD_TEMPLATE " " ON_DATABASE, NULL)},
    {G_TEMPLATE_ID, SING_2, DOC "/hl7:templateId[1]", MUT_SET_ATTR, "root", BAD_TEMPLATE,
     NO_SCHEMATRON(SCHEMATRON_NOT_FOUND BAD_TEMPLATE " " ON_DATABASE, NULL)},
    {G_TEMPLATE_ID, PSS_S, DOC "/hl7:templateId[1]", MUT_SET_ATTR, "root", BAD_TEMPLATE,
     NO_SCHEMATRON(SCHEMATRON_NOT_FOUND BAD_TEMPLATE " " ON_DATABASE, NULL)},
    {G_TEMPLATE_ID, RAP_1, DOC "/hl7:templateId[1]", MUT_SET_ATTR, "root", BAD_TEMPLATE,
     NO_SCHEMATRON(SCHEMATRON_NOT_FOUND BAD_TEMPLATE " " ON_DATABASE, NULL)},
    /* The root of another document type: routed there, and refused by its rules. */
    {G_TEMPLATE_ID, LDO_1, DOC "/hl7:templateId[1]", MUT_SET_ATTR, "root",
     "2.16.840.1.113883.2.9.10.1.1", SCH("ERRORE-5")},

    /* Without ClinicalDocument/templateId the first templateId in document
     * order routes (a section or entry template: no schematron); with none
     * at all the root is empty. The Gateway's validator throws on a document
     * without any templateId (no verdict); this library answers 03. */
    {G_NO_TEMPLATE, LAB_1, DOC "/hl7:templateId", MUT_REMOVE, NULL, NULL,
     NO_SCHEMATRON(SCHEMATRON_NOT_FOUND, ON_DATABASE)},
    {G_NO_TEMPLATE, LDO_1, DOC "/hl7:templateId", MUT_REMOVE, NULL, NULL,
     NO_SCHEMATRON(SCHEMATRON_NOT_FOUND, ON_DATABASE)},
    {G_NO_TEMPLATE, RAD_1, DOC "/hl7:templateId", MUT_REMOVE, NULL, NULL,
     NO_SCHEMATRON(SCHEMATRON_NOT_FOUND, ON_DATABASE)},
    {G_NO_TEMPLATE, RSA_1, DOC "/hl7:templateId", MUT_REMOVE, NULL, NULL,
     NO_SCHEMATRON(SCHEMATRON_NOT_FOUND, ON_DATABASE)},
    {G_NO_TEMPLATE, CERT_2, DOC "/hl7:templateId", MUT_REMOVE, NULL, NULL,
     NO_SCHEMATRON(SCHEMATRON_NOT_FOUND, ON_DATABASE)},
    {G_NO_TEMPLATE, SING_2, DOC "/hl7:templateId", MUT_REMOVE, NULL, NULL,
     NO_SCHEMATRON(SCHEMATRON_NOT_FOUND, ON_DATABASE)},
    {G_NO_TEMPLATE, PSS_S, DOC "/hl7:templateId", MUT_REMOVE, NULL, NULL,
     NO_SCHEMATRON(SCHEMATRON_NOT_FOUND, ON_DATABASE)},
    {G_NO_TEMPLATE, RAP_1, DOC "/hl7:templateId", MUT_REMOVE, NULL, NULL,
     NO_SCHEMATRON(SCHEMATRON_NOT_FOUND, ON_DATABASE)},
    {G_NO_TEMPLATE, LAB_1, "//hl7:templateId", MUT_REMOVE, NULL, NULL,
     NO_SCHEMATRON(SCHEMATRON_NOT_FOUND " " ON_DATABASE, NULL)},
    {G_NO_TEMPLATE, CERT_2, "//hl7:templateId", MUT_REMOVE, NULL, NULL,
     NO_SCHEMATRON(SCHEMATRON_NOT_FOUND " " ON_DATABASE, NULL)},

    /* What the CDA schema does not allow. */
    {G_XSD, LAB_1, DOC, MUT_APPEND_XML, NULL, "<unexpectedElement/>", XSD("unexpectedElement")},
    {G_XSD, LDO_1, DOC, MUT_APPEND_XML, NULL, "<unexpectedElement/>", XSD("unexpectedElement")},
    {G_XSD, RAD_1, DOC, MUT_APPEND_XML, NULL, "<unexpectedElement/>", XSD("unexpectedElement")},
    {G_XSD, RSA_1, DOC, MUT_APPEND_XML, NULL, "<unexpectedElement/>", XSD("unexpectedElement")},
    {G_XSD, CERT_2, DOC, MUT_APPEND_XML, NULL, "<unexpectedElement/>", XSD("unexpectedElement")},
    {G_XSD, SING_2, DOC, MUT_APPEND_XML, NULL, "<unexpectedElement/>", XSD("unexpectedElement")},
    {G_XSD, PSS_S, DOC, MUT_APPEND_XML, NULL, "<unexpectedElement/>", XSD("unexpectedElement")},
    {G_XSD, RAP_1, DOC, MUT_APPEND_XML, NULL, "<unexpectedElement/>", XSD("unexpectedElement")},
    {G_XSD, LAB_1, DOC "/hl7:code", MUT_SET_ATTR, "unexpectedAttribute", "x",
     XSD("unexpectedAttribute")},
    {G_XSD, RSA_1, DOC "/hl7:effectiveTime", MUT_SET_ATTR, "value", "yesterday", XSD("yesterday")},
    {G_XSD, PSS_S, DOC "/hl7:id", MUT_REMOVE, NULL, NULL, XSD("{urn:hl7-org:v3}id )")},
    {G_XSD, RAP_1, DOC "/hl7:recordTarget", MUT_REMOVE, NULL, NULL, XSD("recordTarget")},
};

const size_t mut_n_rows = sizeof(mut_rows) / sizeof(mut_rows[0]);
