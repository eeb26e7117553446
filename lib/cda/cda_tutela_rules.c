/*
 * lib/cda/cda_tutela_rules.c - the rule table of the maggior tutela
 * detector: which codes, in which code system, reveal that a document
 * belongs to a category that DM 7/9/2023 art.6 c.1 obscures by default
 * (domain-rules §3), and why.
 *
 * Owns the table and the reasons for what is in it and what is left out.
 * Does not own the walk over the document or the matching (cda_tutela.c),
 * nor what the node does with the categories (lib/gateway, docs/gateway.md
 * "Default obscuring").
 *
 * How the table was chosen. A code is listed when its presence in a
 * document tells a reader that the patient belongs to a category:
 *  - HIV (L.135/1990 protects the test itself, not only a positive result):
 *    every HIV diagnosis, status and counselling code, every LOINC code of
 *    the catalog whose name contains the word HIV (tests of antibodies,
 *    antigens, nucleic acids, resistance, and HIV questionnaires), the
 *    antiretrovirals used only for HIV, and the HL7 sensitivity codes for
 *    HIV. A negative or indeterminate HIV result is still an HIV test:
 *    hidden by default is the cautious choice, and the patient can make it
 *    visible (art.9).
 *  - IVG (L.194/1978): legally and illegally induced abortion, failed
 *    attempted abortion, the unwanted pregnancy that starts the L.194 art.5
 *    procedure, the ICD-9-CM procedures "per interruzione di gravidanza",
 *    and the LOINC codes of the consent, the method and a positive count of
 *    induced abortions. Spontaneous (634), unspecified (637) abortion and
 *    complications after abortion or ectopic/molar pregnancy (639) are left
 *    out: they do not say the termination was voluntary.
 *  - Sexual violence and paedophilia (victims, L.66/1996, L.269/1998,
 *    L.38/2006): child and adult sexual abuse, rape, observation after
 *    alleged rape, the forensic tests for semen in vaginal fluid, the HL7
 *    sensitivity codes. Left out: other maltreatment (995.50-995.52,
 *    995.54-995.59, V61.21), history of physical abuse (V15.41), codes of
 *    the perpetrator (302.2 paedophilia, V62.83, E967.x: the category is
 *    the victim), and screening questionnaires asked of everyone.
 *  - Substances (DPR 309/1990; alcohol): alcohol- and drug-induced mental
 *    disorders, dependence and abuse (291, 292, 303, 304, 305 but not 305.1
 *    tobacco), drug dependence in pregnancy, poisoning by heroin, methadone
 *    and hallucinogens, toxic effect of ethyl alcohol, organ damage the code
 *    itself attributes to alcohol, history of alcoholism, counselling,
 *    referral, rehabilitation and detoxification; tests whose purpose is
 *    to find illicit drug use (opiates, 6-MAM, cocaine, cannabinoids,
 *    amphetamines, MDMA, drugs-of-abuse panels), the monitoring of
 *    substitution therapy (methadone, EDDP, buprenorphine) and the markers
 *    of chronic alcohol abuse (CDT, EtG, EtS, PEth); the ATC groups of
 *    drugs for alcohol and opioid dependence; HL7 sensitivity, location and
 *    observation codes; the vaccination risk conditions "alcoolismo
 *    cronico" and "tossicodipendenza". Left out: blood ethanol (measured in
 *    every trauma and coma work-up: one value is not the misuse the
 *    category protects; the diagnoses are listed), screens for prescribed
 *    drugs (benzodiazepines, barbiturates, tricyclics), poisoning by
 *    other opiates (965.00, 965.09: mostly prescribed analgesics), the
 *    newborn's codes of maternal use (760.7x, 779.5: they describe the
 *    child), and social-history questions ("Alcohol use" 11331-6 and the
 *    like: asked of everyone, usually answered "no").
 *  - Anonymous birth and consultori familiari: no code of the catalog's
 *    code systems says either (the AD_PSC disciplines, tipologiaStruttura
 *    and HL7 ServiceDeliveryLocationRoleType have no consultorio; the
 *    birth's anonymity is not coded). The producer marks these documents
 *    with confidentialityCode V or sends P99.
 *  - The producer's own marking: confidentialityCode V (very restricted),
 *    which implementations use for maggior tutela (domain-rules §3).
 * Codes of systems not listed here (AIC packages, regional catalogues) are
 * not read; an HIV drug is found through its ATC code.
 *
 * Codes are written as the catalog lists them (terminology/csv and the
 * LOINC 2.80 dump of the rules catalog); tests/cda checks that every code
 * is in the catalog and that the HIV LOINC list is complete.
 */
#include "cda_int.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Code systems. */
#define ICD9 "2.16.840.1.113883.6.103"             /* ICD-9-CM, diagnoses and procedures */
#define LOINC "2.16.840.1.113883.6.1"              /* LOINC */
#define ATC "2.16.840.1.113883.6.73"               /* WHO ATC */
#define CONF "2.16.840.1.113883.5.25"              /* HL7 Confidentiality */
#define ACTCODE "2.16.840.1.113883.5.4"            /* HL7 ActCode */
#define ROLE "2.16.840.1.113883.5.111"             /* HL7 RoleCode (service delivery location) */
#define OBSVAL "2.16.840.1.113883.5.1063"          /* HL7 ObservationValue */
#define VACC_RISK "2.16.840.1.113883.2.9.6.1.56.1" /* vaccination: risk conditions */
#define VACC_CAT "2.16.840.1.113883.2.9.6.1.56.2"  /* vaccination: risk categories */

#define EXACT FSE_CDA_TUTELA_MATCH_EXACT
#define FAMILY FSE_CDA_TUTELA_MATCH_ICD9_FAMILY
#define PREFIX FSE_CDA_TUTELA_MATCH_PREFIX

#define HIV FSE_CDA_TUTELA_HIV
#define IVG FSE_CDA_TUTELA_IVG
#define SEXV FSE_CDA_TUTELA_SEXUAL_VIOLENCE
#define SUBST FSE_CDA_TUTELA_SUBSTANCE
#define VERYR FSE_CDA_TUTELA_VERY_RESTRICTED

/* A rule counted on presence, and one counted on a positive count. */
#define R(sys, code, match, cat, reason)                                                           \
    {                                                                                              \
        sys, code, match, cat, FSE_CDA_TUTELA_WHEN_PRESENT, reason                                 \
    }
#define RCOUNT(sys, code, cat, reason)                                                             \
    {                                                                                              \
        sys, code, EXACT, cat, FSE_CDA_TUTELA_WHEN_COUNT_POSITIVE, reason                          \
    }
/* An HIV LOINC code (its reason is its LOINC short name) and a substance test. */
#define HIVLAB(code, name) R(LOINC, code, EXACT, HIV, "HIV test or record: " name)
#define SUBLAB(code, name) R(LOINC, code, EXACT, SUBST, "substance use test: " name)

static const fse_cda_tutela_rule rules[] = {
    /* ---- HIV: diagnoses, status, counselling (ICD-9-CM) ------------------ */
    R(ICD9, "042", FAMILY, HIV, "HIV disease"),
    R(ICD9, "V08", FAMILY, HIV, "asymptomatic HIV infection status"),
    R(ICD9, "079.53", FAMILY, HIV, "HIV-2 as the cause of a disease classified elsewhere"),
    R(ICD9, "795.71", FAMILY, HIV, "nonspecific serologic evidence of HIV (inconclusive test)"),
    R(ICD9, "V65.44", FAMILY, HIV, "HIV counselling"),

    /* ---- HIV: antiretrovirals used only for HIV (ATC) -------------------- */
    R(ATC, "J05AG", PREFIX, HIV, "non-nucleoside reverse transcriptase inhibitors (HIV only)"),
    R(ATC, "J05AJ", PREFIX, HIV, "integrase inhibitors (HIV treatment and prophylaxis)"),
    R(ATC, "J05AR", PREFIX, HIV, "antivirals for HIV infections, combinations"),
    R(ATC, "J05AE01", EXACT, HIV, "saquinavir (HIV protease inhibitor)"),
    R(ATC, "J05AE02", EXACT, HIV, "indinavir (HIV protease inhibitor)"),
    R(ATC, "J05AE03", EXACT, HIV, "ritonavir (HIV protease inhibitor)"),
    R(ATC, "J05AE04", EXACT, HIV, "nelfinavir (HIV protease inhibitor)"),
    R(ATC, "J05AE05", EXACT, HIV, "amprenavir (HIV protease inhibitor)"),
    R(ATC, "J05AE06", EXACT, HIV, "lopinavir (HIV protease inhibitor)"),
    R(ATC, "J05AE07", EXACT, HIV, "fosamprenavir (HIV protease inhibitor)"),
    R(ATC, "J05AE08", EXACT, HIV, "atazanavir (HIV protease inhibitor)"),
    R(ATC, "J05AE09", EXACT, HIV, "tipranavir (HIV protease inhibitor)"),
    R(ATC, "J05AE10", EXACT, HIV, "darunavir (HIV protease inhibitor)"),
    /* Not J05AF05 lamivudine, J05AF07 tenofovir disoproxil, J05AF13 tenofovir
     * alafenamide, J05AF30: also hepatitis B drugs. */
    R(ATC, "J05AF01", EXACT, HIV, "zidovudine (HIV only)"),
    R(ATC, "J05AF02", EXACT, HIV, "didanosine (HIV only)"),
    R(ATC, "J05AF03", EXACT, HIV, "zalcitabine (HIV only)"),
    R(ATC, "J05AF04", EXACT, HIV, "stavudine (HIV only)"),
    R(ATC, "J05AF06", EXACT, HIV, "abacavir (HIV only)"),
    R(ATC, "J05AF09", EXACT, HIV, "emtricitabine (HIV only)"),
    R(ATC, "J05AX07", EXACT, HIV, "enfuvirtide (HIV fusion inhibitor)"),
    R(ATC, "J05AX08", EXACT, HIV, "raltegravir (HIV integrase inhibitor, former code)"),
    R(ATC, "J05AX09", EXACT, HIV, "maraviroc (HIV CCR5 antagonist)"),
    R(ATC, "J05AX11", EXACT, HIV, "elvitegravir (HIV integrase inhibitor, former code)"),
    R(ATC, "J05AX12", EXACT, HIV, "dolutegravir (HIV integrase inhibitor, former code)"),
    R(ATC, "J05AX23", EXACT, HIV, "ibalizumab (HIV)"),
    R(ATC, "J05AX29", EXACT, HIV, "fostemsavir (HIV attachment inhibitor)"),
    R(ATC, "J05AX31", EXACT, HIV, "lenacapavir (HIV capsid inhibitor)"),
    R(ATC, "V03AX03", EXACT, HIV, "cobicistat (booster of HIV antiretrovirals)"),

    /* ---- HIV: HL7 sensitivity and vaccination risk condition ------------- */
    R(CONF, "HIV", EXACT, HIV, "confidentiality: HIV related"),
    R(ACTCODE, "HIV", EXACT, HIV, "information sensitivity: HIV/AIDS"),
    R(VACC_RISK, "14", EXACT, HIV, "vaccination risk condition: HIV infection"),

    /* ---- HIV: every LOINC code whose name names HIV (catalog LOINC 2.80) -- */
    HIVLAB("45239-1", "Current HIV Rx therapy duration"),
    HIVLAB("47241-5", "Date determined medically eligible and ready to start HIV Rx"),
    HIVLAB("47240-7", "Date determined medically eligible to start HIV Rx"),
    HIVLAB("45257-3", "Date dropped from HIV Rx"),
    HIVLAB("45234-2", "Date eligible and selected to start HIV Rx"),
    HIVLAB("45237-5", "Date lost to HIV Rx follow-up"),
    HIVLAB("45238-3", "Date lost to HIV Rx therapy"),
    HIVLAB("45235-9", "Date original clinic HIV Rx start"),
    HIVLAB("45230-0", "District where patient entered HIV Rx"),
    HIVLAB("71127-5", "Emotional well being - living with HIV"),
    HIVLAB("71133-3", "Functional assessment of HIV infection questionnaire - version 4"),
    HIVLAB("86657-4", "HIV 1 & 2 tests - FPAR 2.0 set"),
    HIVLAB("29893-5", "HIV 1 Ab IA Ql"),
    HIVLAB("33866-5", "HIV 1 Ab IA Ql (BldC)"),
    HIVLAB("34591-8", "HIV 1 Ab IA Ql (Body fld)"),
    HIVLAB("35437-3", "HIV 1 Ab IA Ql (Sal)"),
    HIVLAB("89374-3", "HIV 1 Ab IA Ql (Specimen)"),
    HIVLAB("5220-9", "HIV 1 Ab IA Qn"),
    HIVLAB("35438-1", "HIV 1 Ab IA Qn (Sal)"),
    HIVLAB("68961-2", "HIV 1 Ab IA.rapid Ql (S/P/Bld)"),
    HIVLAB("49905-3", "HIV 1 Ab IA.rapid Ql (Specimen)"),
    HIVLAB("5221-7", "HIV 1 Ab IB Ql"),
    HIVLAB("34592-6", "HIV 1 Ab IB Ql (Body fld)"),
    HIVLAB("57974-8", "HIV 1 Ab IB Ql (CSF)"),
    HIVLAB("86233-4", "HIV 1 Ab IB Ql (S/P/Bld)"),
    HIVLAB("35439-9", "HIV 1 Ab IB Ql (Sal)"),
    HIVLAB("32571-2", "HIV 1 Ab IB Ql (U)"),
    HIVLAB("42627-0", "HIV 1 Ab IF Ql (CSF)"),
    HIVLAB("14092-1", "HIV 1 Ab IF Ql (S)"),
    HIVLAB("85686-4", "HIV 1 Ab IF Ql (S/P/Bld)"),
    HIVLAB("43599-0", "HIV 1 Ab IF Qn (S)"),
    HIVLAB("41145-4", "HIV 1 Ab Ql (BldC)"),
    HIVLAB("29327-4", "HIV 1 Ab Ql (Body fld)"),
    HIVLAB("16974-8", "HIV 1 Ab Ql (CSF)"),
    HIVLAB("21007-0", "HIV 1 Ab Ql (S donor)"),
    HIVLAB("7917-8", "HIV 1 Ab Ql (S)"),
    HIVLAB("41144-7", "HIV 1 Ab Ql (Sal)"),
    HIVLAB("53379-4", "HIV 1 Ab Ql (Specimen)"),
    HIVLAB("22356-0", "HIV 1 Ab Qn (S)"),
    HIVLAB("41143-9", "HIV 1 Ab Qn (Sal)"),
    HIVLAB("104732-3", "HIV 1 Ab band pattern (S) [Interp]"),
    HIVLAB("13499-9", "HIV 1 Ab band pattern IB (S) [Interp]"),
    HIVLAB("97860-1", "HIV 1 Ab panel IB"),
    HIVLAB("51866-2", "HIV 1 Ab+Ag Ql (S)"),
    HIVLAB("49965-7", "HIV 1 Ab/HIV 2 Ab IB (S) [Ratio]"),
    HIVLAB("5222-5", "HIV 1 Ag IA Ql"),
    HIVLAB("16977-1", "HIV 1 Ag Ql (CSF)"),
    HIVLAB("44531-2", "HIV 1 Ag Ql (S donor)"),
    HIVLAB("24012-7", "HIV 1 Ag Ql (S)"),
    HIVLAB("16976-3", "HIV 1 Ag Qn (S)"),
    HIVLAB("30245-5", "HIV 1 DNA NAA+probe Ql"),
    HIVLAB("49483-1", "HIV 1 IA Nar [Interp]"),
    HIVLAB("44607-0", "HIV 1 IA [Interp]"),
    HIVLAB("21009-6", "HIV 1 IB (S) [Interp]"),
    HIVLAB("28004-0", "HIV 1 IgG IB Ql (CSF)"),
    HIVLAB("40732-0", "HIV 1 IgG IB Ql (S)"),
    HIVLAB("31430-2", "HIV 1 IgG Ql (CSF)"),
    HIVLAB("16975-5", "HIV 1 IgG Ql (S)"),
    HIVLAB("28052-9", "HIV 1 IgG band pattern IB (CSF) [Interp]"),
    HIVLAB("21333-0", "HIV 1 RNA (S) [#/Vol]"),
    HIVLAB("24013-5", "HIV 1 RNA (S) [Interp]"),
    HIVLAB("88542-6", "HIV 1 RNA IN mutations detected Sequencing Nom (CSF)"),
    HIVLAB("90903-6", "HIV 1 RNA IN sequence Nom (S/P/Bld)"),
    HIVLAB("104781-0", "HIV 1 RNA Molgen [#/Vol]"),
    HIVLAB("104762-0", "HIV 1 RNA Molgen [Log #/Vol]"),
    HIVLAB("41498-7", "HIV 1 RNA NAA+probe (CSF) [#/Vol]"),
    HIVLAB("41497-9", "HIV 1 RNA NAA+probe (CSF) [Log #/Vol]"),
    HIVLAB("25836-8", "HIV 1 RNA NAA+probe (Specimen) [#/Vol]"),
    HIVLAB("49890-7", "HIV 1 RNA NAA+probe (Specimen) [Log #/Vol]"),
    HIVLAB("51780-5", "HIV 1 RNA NAA+probe DL = 0.5 log copies/mL [Log #/Vol]"),
    HIVLAB("48510-2", "HIV 1 RNA NAA+probe DL = 1.7 log copies/mL [Log #/Vol]"),
    HIVLAB("48552-4", "HIV 1 RNA NAA+probe DL = 2.6 log copies/mL [Log #/Vol]"),
    HIVLAB("70241-5", "HIV 1 RNA NAA+probe DL = 20 copies/mL (P) [#/Vol]"),
    HIVLAB("48551-6", "HIV 1 RNA NAA+probe DL = 400 copies/mL [#/Vol]"),
    HIVLAB("48511-0", "HIV 1 RNA NAA+probe DL = 50 copies/mL [#/Vol]"),
    HIVLAB("25835-0", "HIV 1 RNA NAA+probe Ql"),
    HIVLAB("5017-9", "HIV 1 RNA NAA+probe Ql (Bld)"),
    HIVLAB("42917-5", "HIV 1 RNA NAA+probe Ql (CSF)"),
    HIVLAB("77369-7", "HIV 1 RNA NAA+probe Ql (Sem)"),
    HIVLAB("5018-7", "HIV 1 RNA NAA+probe Ql (Specimen)"),
    HIVLAB("62469-2", "HIV 1 RNA NAA+probe Qn"),
    HIVLAB("20447-9", "HIV 1 RNA NAA+probe [#/Vol]"),
    HIVLAB("29541-0", "HIV 1 RNA NAA+probe [Log #/Vol]"),
    HIVLAB("88543-4", "HIV 1 RNA PR mutations detected Sequencing Nom (CSF)"),
    HIVLAB("90904-4", "HIV 1 RNA PR sequence Nom (S/P/Bld)"),
    HIVLAB("21008-8", "HIV 1 RNA Probe [#/Vol]"),
    HIVLAB("41516-6", "HIV 1 RNA Probe amp DL = 1.9 log copies/mL [Log #/Vol]"),
    HIVLAB("41514-1", "HIV 1 RNA Probe amp DL = 2.6 log copies/mL [Log #/Vol]"),
    HIVLAB("41513-3", "HIV 1 RNA Probe amp DL = 400 copies/mL [#/Vol]"),
    HIVLAB("41515-8", "HIV 1 RNA Probe amp DL = 75 copies/mL [#/Vol]"),
    HIVLAB("47359-5", "HIV 1 RNA Probe amp Ql (S/P donor)"),
    HIVLAB("10351-5", "HIV 1 RNA Probe amp Qn"),
    HIVLAB("10682-3", "HIV 1 RNA Probe amp Qn"),
    HIVLAB("59419-2", "HIV 1 RNA Probe+sig amp (P) [#/Vol]"),
    HIVLAB("29539-4", "HIV 1 RNA Probe+sig amp (P) [Log #/Vol]"),
    HIVLAB("23876-6", "HIV 1 RNA Probe+sig amp Qn (P)"),
    HIVLAB("88544-2", "HIV 1 RNA RT mutations detected Sequencing Nom (CSF)"),
    HIVLAB("90902-8", "HIV 1 RNA RT sequence Nom (S/P/Bld)"),
    HIVLAB("83325-1", "HIV 1 RNA genotype Genotyping Doc (Isol)"),
    HIVLAB("83326-9", "HIV 1 RNA genotype and phenotype Doc (Isol)"),
    HIVLAB("50624-6", "HIV 1 RNA panel NAA+probe (CSF)"),
    HIVLAB("83327-7", "HIV 1 RNA phenotype Phenotype method Doc (Isol)"),
    HIVLAB("80689-3", "HIV 1 RNA reverse transcriptase and protease and integrase gene mutations "
                      "detected Sequencing Nom (P)"),
    HIVLAB(
        "90901-0",
        "HIV 1 RNA reverse transcriptase and protease and integrase gene sequence Nom (S/P/Bld)"),
    HIVLAB("81122-4", "HIV 1 RNA reverse transcriptase and protease gene sequence Nom (S/P/Bld)"),
    HIVLAB("57182-8", "HIV 1 RNA tropism Nar (P)"),
    HIVLAB("87963-5", "HIV 1 RNA tropism Nom (CSF)"),
    HIVLAB("50790-5", "HIV 1 RNA tropism Nom (Isol)"),
    HIVLAB("80688-5", "HIV 1 RNA tropism Nom (P)"),
    HIVLAB("79380-2", "HIV 1 RNA+proviral DNA NAA+probe Ql (Bld)"),
    HIVLAB("79379-4", "HIV 1 RNA+proviral DNA NAA+probe Ql (P)"),
    HIVLAB("95524-5", "HIV 1 and 2 Ab IA Nom"),
    HIVLAB("69668-2", "HIV 1 and 2 Ab IA.rapid Nom"),
    HIVLAB("80203-3", "HIV 1 and 2 Ab IA.rapid Nom (S/P/Bld)"),
    HIVLAB("42768-2", "HIV 1 and 2 Ab Nar (S) [Interp]"),
    HIVLAB("85037-0", "HIV 1 and 2 Ab and HIV 1 p24 Ag panel IA"),
    HIVLAB("43185-8", "HIV 1 and 2 Ab band pattern IB (S) [Interp]"),
    HIVLAB("95523-7", "HIV 1 and 2 Ab panel IA"),
    HIVLAB("89365-1", "HIV 1 and 2 Ab panel IA.rapid (S/P/Bld)"),
    HIVLAB("77685-6", "HIV 1 and 2 IgG IB Nom"),
    HIVLAB("96556-6", "HIV 1 and 2 RNA NAA+probe Nom"),
    HIVLAB("96557-4", "HIV 1 and 2 RNA panel NAA+probe"),
    HIVLAB("75622-1", "HIV 1 and 2 tests - Meaningful Use set"),
    HIVLAB("12893-4", "HIV 1 gp105 Ab IB Ql (S)"),
    HIVLAB("9661-0", "HIV 1 gp120 Ab IB Ql (S)"),
    HIVLAB("35441-5", "HIV 1 gp120 Ab IB Ql (Sal)"),
    HIVLAB("44532-0", "HIV 1 gp120 Ab Ql (S)"),
    HIVLAB("40439-2", "HIV 1 gp120+gp160 Ab IA Ql"),
    HIVLAB("14126-7", "HIV 1 gp120+gp160 Ab IB Ql (S)"),
    HIVLAB("43013-2", "HIV 1 gp120+gp160 Ab Ql (S)"),
    HIVLAB("9660-2", "HIV 1 gp160 Ab IB Ql (S)"),
    HIVLAB("35440-7", "HIV 1 gp160 Ab IB Ql (Sal)"),
    HIVLAB("12870-2", "HIV 1 gp34 Ab IB Ql (S)"),
    HIVLAB("35452-2", "HIV 1 gp40 Ab IB Ql (S)"),
    HIVLAB("40438-4", "HIV 1 gp41 Ab IA Ql"),
    HIVLAB("9662-8", "HIV 1 gp41 Ab IB Ql (S)"),
    HIVLAB("35446-4", "HIV 1 gp41 Ab IB Ql (Sal)"),
    HIVLAB("43012-4", "HIV 1 gp41 Ab Ql (S)"),
    HIVLAB("19110-6", "HIV 1 gp41+gp43 Ab IB Ql (S)"),
    HIVLAB("100984-4", "HIV 1 group M RNA genotype Genotyping (Isol)"),
    HIVLAB("103565-8", "HIV 1 group O RNA+HIV 1 group M RNA+HIV 2 RNA+Hep C RNA+Hep B DNA+Hep E "
                       "RNA NAA+probe Ql (S/P/Bld donor)"),
    HIVLAB("74856-6", "HIV 1 group O RNA+HIV 1 group M RNA+HIV 2 RNA+Hepatitis C virus "
                      "RNA+Hepatitis B virus DNA NAA+probe Ql (S/P donor)"),
    HIVLAB("61199-6", "HIV 1 integrase gene mutations detected Nom (Isol)"),
    HIVLAB("12872-8", "HIV 1 p15 Ab IB Ql (S)"),
    HIVLAB("16132-3", "HIV 1 p15+p18 Ab IB Ql (S)"),
    HIVLAB("9663-6", "HIV 1 p17 Ab IB Ql (S)"),
    HIVLAB("35449-8", "HIV 1 p17 Ab IB Ql (Sal)"),
    HIVLAB("32827-8", "HIV 1 p17+p18 Ab IB Ql (S)"),
    HIVLAB("32842-7", "HIV 1 p17+p18 Ab Ql (S)"),
    HIVLAB("12859-5", "HIV 1 p18 Ab IB Ql (S)"),
    HIVLAB("35450-6", "HIV 1 p18 Ab IB Ql (Sal)"),
    HIVLAB("12855-3", "HIV 1 p23 Ab IB Ql (S)"),
    HIVLAB("40437-6", "HIV 1 p24 Ab IA Ql"),
    HIVLAB("21331-4", "HIV 1 p24 Ab IB (S) [Titer]"),
    HIVLAB("9664-4", "HIV 1 p24 Ab IB Ql (S)"),
    HIVLAB("35448-0", "HIV 1 p24 Ab IB Ql (Sal)"),
    HIVLAB("43011-6", "HIV 1 p24 Ab Ql (S)"),
    HIVLAB("16978-9", "HIV 1 p24 Ab Qn (S)"),
    HIVLAB("18396-2", "HIV 1 p24 Ag IA Ql"),
    HIVLAB("44872-0", "HIV 1 p24 Ag IA Ql (S/P donor)"),
    HIVLAB("53601-1", "HIV 1 p24 Ag IA Qn"),
    HIVLAB("42339-2", "HIV 1 p24 Ag IA [Mass/Vol]"),
    HIVLAB("33660-2", "HIV 1 p24 Ag Neut test Ql"),
    HIVLAB("49718-0", "HIV 1 p24 Ag Ql (CSF)"),
    HIVLAB("9821-0", "HIV 1 p24 Ag Ql (S)"),
    HIVLAB("16979-7", "HIV 1 p24 Ag Qn (CSF)"),
    HIVLAB("9665-1", "HIV 1 p24 Ag Qn (S)"),
    HIVLAB("12871-0", "HIV 1 p26 Ab IB Ql (S)"),
    HIVLAB("12857-9", "HIV 1 p28 Ab IB Ql (S)"),
    HIVLAB("9666-9", "HIV 1 p31 Ab IB Ql (S)"),
    HIVLAB("35447-2", "HIV 1 p31 Ab IB Ql (Sal)"),
    HIVLAB("35564-4", "HIV 1 p31+p32 Ab IB Ql (S)"),
    HIVLAB("12858-7", "HIV 1 p32 Ab IB Ql (S)"),
    HIVLAB("35565-1", "HIV 1 p40 Ab IB Ql (S)"),
    HIVLAB("21332-2", "HIV 1 p41 Ab IB (S) [Titer]"),
    HIVLAB("31072-2", "HIV 1 p41 Ab IB Ql (S)"),
    HIVLAB("9667-7", "HIV 1 p51 Ab IB Ql (S)"),
    HIVLAB("35445-6", "HIV 1 p51 Ab IB Ql (Sal)"),
    HIVLAB("12876-9", "HIV 1 p53 Ab IB Ql (S)"),
    HIVLAB("9668-5", "HIV 1 p55 Ab IB Ql (S)"),
    HIVLAB("35444-9", "HIV 1 p55 Ab IB Ql (Sal)"),
    HIVLAB("12895-9", "HIV 1 p58 Ab IB Ql (S)"),
    HIVLAB("12875-1", "HIV 1 p64 Ab IB Ql (S)"),
    HIVLAB("12856-1", "HIV 1 p65 Ab IB Ql (S)"),
    HIVLAB("35443-1", "HIV 1 p65 Ab IB Ql (Sal)"),
    HIVLAB("33508-3", "HIV 1 p65+p66 Ab IB Ql (S)"),
    HIVLAB("9669-3", "HIV 1 p66 Ab IB Ql (S)"),
    HIVLAB("35442-3", "HIV 1 p66 Ab IB Ql (Sal)"),
    HIVLAB("12894-2", "HIV 1 p68 Ab IB Ql (S)"),
    HIVLAB("78007-2", "HIV 1 proviral DNA NAA+probe (Bld MC) [Entitic log #]"),
    HIVLAB("78009-8", "HIV 1 proviral DNA NAA+probe (Bld MC) [Entitic number]"),
    HIVLAB("74854-1", "HIV 1 proviral DNA NAA+probe (Bld) [#/Vol]"),
    HIVLAB("78010-6", "HIV 1 proviral DNA NAA+probe (Mononuclear cells from unspecified specimen) "
                      "[Entitic log #]"),
    HIVLAB("78008-0", "HIV 1 proviral DNA NAA+probe (Mononuclear cells from unspecified specimen) "
                      "[Entitic number]"),
    HIVLAB("74855-8", "HIV 1 proviral DNA NAA+probe (Specimen) [Log #/Vol]"),
    HIVLAB("48023-6", "HIV 1 proviral DNA NAA+probe Ql"),
    HIVLAB("44871-2", "HIV 1 proviral DNA NAA+probe Ql (Bld)"),
    HIVLAB("88212-6", "HIV 1 proviral DNA NAA+probe Ql (CSF)"),
    HIVLAB("77368-9", "HIV 1 proviral DNA NAA+probe Ql (Sem)"),
    HIVLAB("74853-3", "HIV 1 proviral DNA NAA+probe Ql (Specimen)"),
    HIVLAB("9837-6", "HIV 1 proviral DNA Probe amp Ql (Bld)"),
    HIVLAB("80695-0", "HIV 1 proviral DNA genotype Genotyping Doc (Bld MC)"),
    HIVLAB("80694-3", "HIV 1 proviral DNA genotype Genotyping Nar (Bld MC) [Interp]"),
    HIVLAB("80691-9",
           "HIV 1 proviral DNA integrase gene mutations detected Sequencing Nom (Bld MC)"),
    HIVLAB("90900-2", "HIV 1 proviral DNA integrase gene sequence Nom (Bld MC)"),
    HIVLAB("80693-5", "HIV 1 proviral DNA reverse transcriptase and protease and integrase gene "
                      "mutations detected Sequencing Nom (Bld MC)"),
    HIVLAB("90898-8", "HIV 1 proviral DNA reverse transcriptase and protease and integrase gene "
                      "sequence Nom (Bld MC)"),
    HIVLAB("80692-7", "HIV 1 proviral DNA reverse transcriptase and protease gene mutations "
                      "detected Sequencing Nom (Bld MC)"),
    HIVLAB("90899-6",
           "HIV 1 proviral DNA reverse transcriptase and protease gene sequence Nom (Bld MC)"),
    HIVLAB("80690-1", "HIV 1 proviral DNA tropism Nom (Bld MC)"),
    HIVLAB("87962-7", "HIV 1 subtype NAA+probe Nom (CSF)"),
    HIVLAB("73658-7", "HIV 1 subtype NAA+probe Nom (Specimen)"),
    HIVLAB("53923-9", "HIV 1 tropism Nar (Bld)"),
    HIVLAB("79155-8", "HIV 1 tropism Nom (Bld)"),
    HIVLAB("31201-7", "HIV 1+2 Ab IA Ql"),
    HIVLAB("42600-7", "HIV 1+2 Ab IA Ql (Specimen)"),
    HIVLAB("5223-3", "HIV 1+2 Ab IA Qn"),
    HIVLAB("80387-4", "HIV 1+2 Ab IA.rapid Ql (S/P/Bld)"),
    HIVLAB("49580-4", "HIV 1+2 Ab IA.rapid Ql (Specimen)"),
    HIVLAB("44873-8", "HIV 1+2 Ab IB Ql (S)"),
    HIVLAB("32602-5", "HIV 1+2 Ab Ql (CSF)"),
    HIVLAB("44533-8", "HIV 1+2 Ab Ql (S donor)"),
    HIVLAB("7918-6", "HIV 1+2 Ab Ql (S)"),
    HIVLAB("43010-8", "HIV 1+2 Ab Ql (Specimen)"),
    HIVLAB("22357-8", "HIV 1+2 Ab Qn (S)"),
    HIVLAB("75666-8", "HIV 1+2 Ab and HIV1 p24 Ag IA.rapid Nom (S/P/Bld)"),
    HIVLAB("83101-6", "HIV 1+2 Ab and HIV1 p24 Ag panel IA"),
    HIVLAB("56888-1", "HIV 1+2 Ab+HIV1 p24 Ag IA Ql"),
    HIVLAB("58900-2", "HIV 1+2 Ab+HIV1 p24 Ag IA Qn"),
    HIVLAB("105080-6", "HIV 1+2 Ab+HIV1 p24 Ag Ql"),
    HIVLAB("40733-8", "HIV 1+2 IgG IA Ql"),
    HIVLAB("73905-2", "HIV 1+2 IgG IA.rapid Ql"),
    HIVLAB("73906-0", "HIV 1+2 IgG IA.rapid Ql (Bld)"),
    HIVLAB("54086-4", "HIV 1+2 IgG Ql (DBS)"),
    HIVLAB("43009-0", "HIV 1+2 IgG Ql (S)"),
    HIVLAB("41290-8", "HIV 1+2 IgM IA Qn"),
    HIVLAB("43008-2", "HIV 1+2 IgM Qn (S)"),
    HIVLAB("85368-9", "HIV 1+2 RNA NAA+probe Ql"),
    HIVLAB("85361-4", "HIV 1+2 RNA NAA+probe Ql (Bld)"),
    HIVLAB("96273-8", "HIV 1+2 RNA+HCV RNA+HBV DNA NAA+probe Ql (S/P/Bld donor)"),
    HIVLAB("88453-6", "HIV 1+HCV RNA + HBV DNA NAA+probe Ql (S/P/Bld donor)"),
    HIVLAB("53825-6", "HIV 1+HCV RNA NAA+probe Ql"),
    HIVLAB("38998-1", "HIV 1+HCV RNA NAA+probe Ql (S/P BPU)"),
    HIVLAB("59052-1", "HIV 1+HCV RNA+Hepatitis B virus DNA NAA+probe Ql"),
    HIVLAB("48345-3", "HIV 1+O+2 Ab Ql"),
    HIVLAB("57975-5", "HIV 1+O+2 Ab Ql (Body fld)"),
    HIVLAB("48346-1", "HIV 1+O+2 Ab Qn"),
    HIVLAB("30361-0", "HIV 2 Ab IA Ql"),
    HIVLAB("5224-1", "HIV 2 Ab IA Qn"),
    HIVLAB("81641-3", "HIV 2 Ab IA.rapid Ql (S/P/Bld)"),
    HIVLAB("47029-4", "HIV 2 Ab IB Ql (CSF)"),
    HIVLAB("5225-8", "HIV 2 Ab IB Ql (S)"),
    HIVLAB("7919-4", "HIV 2 Ab Ql (S)"),
    HIVLAB("22358-6", "HIV 2 Ab Qn (S)"),
    HIVLAB("51786-2", "HIV 2 Ab Signal/Cutoff IA [Rel units/Vol]"),
    HIVLAB("31073-0", "HIV 2 Ab band pattern IB (S) [Interp]"),
    HIVLAB("97861-9", "HIV 2 Ab panel IB"),
    HIVLAB("33806-1", "HIV 2 IgG IB Ql (S)"),
    HIVLAB("33807-9", "HIV 2 IgG Ql (S)"),
    HIVLAB("86547-7", "HIV 2 RNA NAA+probe (CSF) [#/Vol]"),
    HIVLAB("86549-3", "HIV 2 RNA NAA+probe (CSF) [Log #/Vol]"),
    HIVLAB("86548-5", "HIV 2 RNA NAA+probe (P) [#/Vol]"),
    HIVLAB("69353-1", "HIV 2 RNA NAA+probe Ql"),
    HIVLAB("69354-9", "HIV 2 RNA NAA+probe Qn"),
    HIVLAB("81652-0", "HIV 2 RNA NAA+probe [Log #/Vol]"),
    HIVLAB("81246-1", "HIV 2 RNA panel NAA+probe"),
    HIVLAB("21334-8", "HIV 2 gp105 Ab IB Ql (S)"),
    HIVLAB("21335-5", "HIV 2 gp120 Ab IB Ql (S)"),
    HIVLAB("10901-7", "HIV 2 gp125 Ab IB Ql (S)"),
    HIVLAB("57976-3", "HIV 2 gp140 Ab IB Ql (S)"),
    HIVLAB("21336-3", "HIV 2 gp15 Ab IB Ql (S)"),
    HIVLAB("21337-1", "HIV 2 gp34 Ab IB Ql (S)"),
    HIVLAB("10902-5", "HIV 2 gp36 Ab IB Ql (S)"),
    HIVLAB("11078-3", "HIV 2 gp80 Ab IB Ql (S)"),
    HIVLAB("62456-9", "HIV 2 p15 Ab IB Ql (S)"),
    HIVLAB("57977-1", "HIV 2 p16 Ab IB Ql (S)"),
    HIVLAB("11079-1", "HIV 2 p26 Ab IB Ql (S)"),
    HIVLAB("21338-9", "HIV 2 p31 Ab IB Ql (S)"),
    HIVLAB("45212-8", "HIV 2 p31+p34 Ab IB Ql (S)"),
    HIVLAB("57978-9", "HIV 2 p34 Ab IB Ql (S)"),
    HIVLAB("13920-4", "HIV 2 p41 Ab IB Ql (S)"),
    HIVLAB("11080-9", "HIV 2 p53 Ab IB Ql (S)"),
    HIVLAB("21339-7", "HIV 2 p55 Ab IB Ql (S)"),
    HIVLAB("11081-7", "HIV 2 p56 Ab IB Ql (S)"),
    HIVLAB("21340-5", "HIV 2 p58 Ab IB Ql (S)"),
    HIVLAB("11082-5", "HIV 2 p68 Ab IB Ql (S)"),
    HIVLAB("34699-9", "HIV 2 proviral DNA NAA+probe Ql"),
    HIVLAB("25841-8", "HIV 2 proviral DNA NAA+probe Ql (Bld)"),
    HIVLAB("25842-6", "HIV 2 proviral DNA NAA+probe Ql (Specimen)"),
    HIVLAB("73659-5", "HIV 2 subtype NAA+probe Nom (Specimen)"),
    HIVLAB("45259-9", "HIV ART actual prescription fills number/Ideal prescription fills number"),
    HIVLAB("45260-7", "HIV ART medication"),
    HIVLAB("45244-1", "HIV ART medication dose number taken/Medication dose number prescribed"),
    HIVLAB("45258-1", "HIV ART medication dose number taken/Medication dose number prescribed"),
    HIVLAB("47245-6", "HIV Rx Form"),
    HIVLAB("45255-7", "HIV Rx clinic transferred to"),
    HIVLAB("45256-5", "HIV Rx clinic transferred to"),
    HIVLAB("45236-7", "HIV Rx cohort"),
    HIVLAB("45253-2", "HIV Rx prior clinic transferred from"),
    HIVLAB("45254-0", "HIV Rx prior clinic transferred from"),
    HIVLAB("45231-8", "HIV Rx prior to enrollment"),
    HIVLAB("47249-8", "HIV care & family status section"),
    HIVLAB("45250-8", "HIV confirmation facility"),
    HIVLAB("45251-6", "HIV confirmation facility"),
    HIVLAB("48558-1", "HIV genotype Genotyping [Susc]"),
    HIVLAB("48559-9", "HIV genotype Genotyping [Susc]"),
    HIVLAB("49573-9", "HIV genotype Genotyping [Susc]"),
    HIVLAB("6429-5", "HIV identified Org specific cx Nom (Bld)"),
    HIVLAB("6430-3", "HIV identified Org specific cx Nom (Sem)"),
    HIVLAB("6431-1", "HIV identified Org specific cx Nom (Specimen)"),
    HIVLAB("85380-4", "HIV immunoassay testing algorithm interpretation (S/P/Bld) [Interp]"),
    HIVLAB("45683-0", "HIV infection"),
    HIVLAB("54788-5", "HIV infection in last 30D"),
    HIVLAB("100986-9", "HIV integrase failed codons Genotyping Nom (Isol)"),
    HIVLAB("72560-6", "HIV integrase inhibitor susceptibility panel Genotyping (Isol)"),
    HIVLAB("72559-8", "HIV integrase inhibitor susceptibility panel Phenotype method (Isol)"),
    HIVLAB("45176-5", "HIV nonnucleoside reverse transcriptase gene mutations detected Nom (Isol)"),
    HIVLAB("49657-0",
           "HIV nonnucleoside reverse transcriptase susceptibility panel Genotyping (Isol)"),
    HIVLAB("49662-0",
           "HIV nonnucleoside reverse transcriptase susceptibility panel Phenotype method (Isol)"),
    HIVLAB("45175-7", "HIV nucleoside reverse transcriptase gene mutations detected Nom (Isol)"),
    HIVLAB("49658-8",
           "HIV nucleoside reverse transcriptase susceptibility panel Genotyping (Isol)"),
    HIVLAB("49663-8",
           "HIV nucleoside reverse transcriptase susceptibility panel Phenotype method (Isol)"),
    HIVLAB("45182-3", "HIV phenotype Phenotype method [Susc]"),
    HIVLAB("106762-8", "HIV pre exposure prophylaxis monitoring panel"),
    HIVLAB("100985-1", "HIV protease failed codons Genotyping Nom (Isol)"),
    HIVLAB("49656-2", "HIV protease gene mutations Genotyping (Isol)"),
    HIVLAB("49661-2", "HIV protease gene mutations Phenotype method (Isol)"),
    HIVLAB("33630-5", "HIV protease gene mutations detected Nom (Isol)"),
    HIVLAB("9836-8", "HIV proviral DNA Probe amp Ql (Bld)"),
    HIVLAB("86663-2", "HIV referral information panel"),
    HIVLAB("72181-1", "HIV results shared with partner"),
    HIVLAB("100983-6", "HIV reverse transcriptase failed codons Genotyping Nom (Isol)"),
    HIVLAB("30554-0", "HIV reverse transcriptase gene mutations detected Nom (Isol)"),
    HIVLAB("49659-6", "HIV reverse transcriptase susceptibility panel Genotyping (Isol)"),
    HIVLAB("49664-6", "HIV reverse transcriptase susceptibility panel Phenotype method (Isol)"),
    HIVLAB("53798-5", "HIV reverse transcriptase+protease gene mutations detected Nom (Isol)"),
    HIVLAB("34700-5", "HIV reverse transcriptase+protease gene mutations tested for Nom (Isol)"),
    HIVLAB("73695-9",
           "HIV reverse transcriptase+protease+integrase gene mutations detected Nom (Isol)"),
    HIVLAB("55277-8", "HIV status"),
    HIVLAB("75179-2", "HIV status during pregnancy"),
    HIVLAB("49660-4", "HIV susceptibility panel Genotyping (Isol)"),
    HIVLAB("49665-3", "HIV susceptibility panel Phenotype method (Isol)"),
    HIVLAB("48549-0", "HIV-Signs and Symptoms Checklist (SSC) panel"),
    HIVLAB("106883-2", "HIV1+2 Ab and Treponema pallidum Ab IA.rapid Ql (S/P/Bld)"),
    HIVLAB("45252-4", "Institutional entry point HIV Rx"),
    HIVLAB("48548-2", "Living with HIV (LIV-HIV) panel"),
    HIVLAB("47242-3", "Medication or other side effects associated with HIV Rx"),
    HIVLAB("62882-6", "PhenX - human immunodeficiency virus (HIV) protocol 160901"),
    HIVLAB("62881-8", "PhenX measure - human immunodeficiency virus (HIV)"),
    HIVLAB("45247-4", "Reason for missing HIV Rx administration schedule"),
    HIVLAB("47239-9", "Reason for stopping HIV Rx"),
    HIVLAB("45232-6", "Reason medically eligible for HIV Rx"),
    HIVLAB("47243-1", "Severity of side effect to HIV Rx"),
    HIVLAB("47244-9", "Symptom, diagnosis, or opportunistic infection related to HIV Rx"),
    HIVLAB("72152-2", "Tested for HIV"),
    HIVLAB("72182-9", "Tested for HIV"),
    HIVLAB("38961-9", "VA C&P exam.HIV-related illness note"),
    HIVLAB("45233-4", "WHO HIV stage"),
    HIVLAB("45262-3", "{HIV ART medication} doses missed 2D ago"),
    HIVLAB("45263-1", "{HIV ART medication} doses missed 3D ago"),
    HIVLAB("45264-9", "{HIV ART medication} doses missed 4D ago"),
    HIVLAB("45261-5", "{HIV ART medication} doses missed yesterday"),

    /* ---- IVG (ICD-9-CM diagnoses and procedures, LOINC) ------------------ */
    R(ICD9, "635", FAMILY, IVG, "legally induced abortion"),
    R(ICD9, "636", FAMILY, IVG, "illegally induced abortion"),
    R(ICD9, "638", FAMILY, IVG, "failed attempted abortion"),
    R(ICD9, "V61.7", FAMILY, IVG, "unwanted pregnancy (the request under L.194 art.5)"),
    R(ICD9, "69.01", FAMILY, IVG, "dilation and curettage for termination of pregnancy"),
    R(ICD9, "69.51", FAMILY, IVG, "aspiration curettage for termination of pregnancy"),
    R(ICD9, "74.91", FAMILY, IVG, "hysterotomy to terminate pregnancy"),
    R(ICD9, "75.0", FAMILY, IVG, "intra-amniotic injection for termination of pregnancy"),
    R(LOINC, "52027-0", EXACT, IVG, "abortion consent"),
    R(LOINC, "100975-2", EXACT, IVG, "induced abortion method"),
    /* Obstetric histories carry the count even when it is 0. */
    RCOUNT(LOINC, "11613-7", IVG, "number of induced abortions, when not zero"),

    /* ---- Sexual violence and paedophilia (victims) ----------------------- */
    R(ICD9, "995.53", FAMILY, SEXV, "child sexual abuse"),
    R(ICD9, "995.83", FAMILY, SEXV, "adult sexual abuse"),
    R(ICD9, "E960.1", FAMILY, SEXV, "rape"),
    R(ICD9, "V71.5", FAMILY, SEXV, "observation following alleged rape or seduction"),
    R(LOINC, "28196-4", EXACT, SEXV, "rape trauma syndrome"),
    R(LOINC, "1712-9", EXACT, SEXV, "prostatic acid phosphatase in vaginal fluid (forensic)"),
    R(LOINC, "16317-0", EXACT, SEXV, "prostatic acid phosphatase in vaginal fluid (forensic)"),
    R(LOINC, "44247-5", EXACT, SEXV, "motile spermatozoa in vaginal fluid (forensic)"),
    R(LOINC, "44248-3", EXACT, SEXV, "immotile spermatozoa in vaginal fluid (forensic)"),
    R(CONF, "SDV", EXACT, SEXV, "confidentiality: sexual and domestic violence related"),
    R(ACTCODE, "SDV", EXACT, SEXV, "information sensitivity: sexual assault, abuse"),

    /* ---- Substances: diagnoses (ICD-9-CM) -------------------------------- */
    R(ICD9, "291", FAMILY, SUBST, "alcohol-induced mental disorders"),
    R(ICD9, "292", FAMILY, SUBST, "drug-induced mental disorders"),
    R(ICD9, "303", FAMILY, SUBST, "alcohol dependence syndrome"),
    R(ICD9, "304", FAMILY, SUBST, "drug dependence"),
    /* 305 "nondependent abuse of drugs" but not 305.1 tobacco use disorder. */
    R(ICD9, "305", EXACT, SUBST, "nondependent abuse of drugs"),
    R(ICD9, "305.0", FAMILY, SUBST, "alcohol abuse"),
    R(ICD9, "305.2", FAMILY, SUBST, "cannabis abuse"),
    R(ICD9, "305.3", FAMILY, SUBST, "hallucinogen abuse"),
    R(ICD9, "305.4", FAMILY, SUBST, "sedative, hypnotic or anxiolytic abuse"),
    R(ICD9, "305.5", FAMILY, SUBST, "opioid abuse"),
    R(ICD9, "305.6", FAMILY, SUBST, "cocaine abuse"),
    R(ICD9, "305.7", FAMILY, SUBST, "amphetamine abuse"),
    R(ICD9, "305.8", FAMILY, SUBST, "antidepressant abuse"),
    R(ICD9, "305.9", FAMILY, SUBST, "other, mixed or unspecified drug abuse"),
    R(ICD9, "648.3", FAMILY, SUBST, "drug dependence complicating pregnancy"),
    R(ICD9, "965.01", FAMILY, SUBST, "poisoning by heroin"),
    R(ICD9, "965.02", FAMILY, SUBST, "poisoning by methadone (substitution therapy)"),
    R(ICD9, "969.6", FAMILY, SUBST, "poisoning by psychodysleptics (hallucinogens)"),
    R(ICD9, "980.0", FAMILY, SUBST, "toxic effect of ethyl alcohol"),
    R(ICD9, "E850.0", FAMILY, SUBST, "accidental poisoning by heroin"),
    R(ICD9, "E850.1", FAMILY, SUBST, "accidental poisoning by methadone"),
    R(ICD9, "E854.1", FAMILY, SUBST, "accidental poisoning by psychodysleptics"),
    R(ICD9, "357.5", FAMILY, SUBST, "alcoholic polyneuropathy"),
    R(ICD9, "425.5", FAMILY, SUBST, "alcoholic cardiomyopathy"),
    R(ICD9, "535.30", FAMILY, SUBST, "alcoholic gastritis without hemorrhage"),
    R(ICD9, "535.31", FAMILY, SUBST, "alcoholic gastritis with hemorrhage"),
    R(ICD9, "571.0", FAMILY, SUBST, "alcoholic fatty liver"),
    R(ICD9, "571.1", FAMILY, SUBST, "acute alcoholic hepatitis"),
    R(ICD9, "571.2", FAMILY, SUBST, "alcoholic cirrhosis of liver"),
    R(ICD9, "571.3", FAMILY, SUBST, "alcoholic liver damage, unspecified"),
    R(ICD9, "V11.3", FAMILY, SUBST, "personal history of alcoholism"),
    R(ICD9, "V65.42", FAMILY, SUBST, "counselling on substance use and abuse"),
    R(ICD9, "94.53", FAMILY, SUBST, "referral for alcoholism rehabilitation"),
    R(ICD9, "94.54", FAMILY, SUBST, "referral for drug addiction rehabilitation"),
    R(ICD9, "94.6", FAMILY, SUBST, "alcohol and drug rehabilitation and detoxification"),

    /* ---- Substances: drugs for dependence (ATC) --------------------------- */
    R(ATC, "N07BB", PREFIX, SUBST, "drugs used in alcohol dependence"),
    R(ATC, "N07BC", PREFIX, SUBST, "drugs used in opioid dependence"),

    /* ---- Substances: HL7 codes and vaccination risk ----------------------- */
    R(CONF, "ETH", EXACT, SUBST, "confidentiality: substance abuse related"),
    R(ACTCODE, "ETH", EXACT, SUBST, "information sensitivity: substance abuse"),
    R(ACTCODE, "SUD", EXACT, SUBST, "information sensitivity: substance use disorder"),
    R(ACTCODE, "ACSUBSTAB", EXACT, SUBST, "access policy: substance abuse information"),
    R(ACTCODE, "DRGRHB", EXACT, SUBST, "drug rehabilitation"),
    R(ROLE, "RHAT", EXACT, SUBST, "service delivery location: addiction treatment center"),
    R(ROLE, "SURF", EXACT, SUBST, "service delivery location: substance use rehabilitation"),
    R(OBSVAL, "DRUG", EXACT, SUBST, "observation value: drug use"),
    R(OBSVAL, "IVDRG", EXACT, SUBST, "observation value: IV drug use"),
    R(VACC_RISK, "01", EXACT, SUBST, "vaccination risk condition: chronic alcoholism"),
    R(VACC_RISK, "26", EXACT, SUBST, "vaccination risk condition: drug addiction"),
    /* The category is "risky sexual behaviour or drug addict": it names
     * drug addiction and cannot be told apart. */
    R(VACC_CAT, "10", EXACT, SUBST, "vaccination risk category: drug addict (or risky sex)"),

    /* ---- Substances: tests (LOINC) ---------------------------------------- */
    /* Opiates. Illicit drugs: their only purpose is to find use; a negative result
     * still says it was looked for. The usual urine and blood screens and
     * confirmations (other specimens and cut-off variants are not listed). */
    SUBLAB("19295-5", "Opiates Screen Ql (U)"),
    SUBLAB("3879-4", "Opiates Ql (U)"),
    SUBLAB("18390-5", "Opiates Confirm Ql (U)"),
    SUBLAB("51691-4", "Opiates Screen Ql (Bld)"),
    SUBLAB("8220-6", "Opiates (U) [Mass/Vol]"),
    SUBLAB("70151-6", "Opiates Screen method >300 ng/mL Ql (U)"),
    SUBLAB("21431-2", "Opiates Screen method >2000 ng/mL Ql (U)"),
    /* Heroin (6-monoacetylmorphine: no other source). */
    SUBLAB("19321-9", "6-Monoacetylmorphine (6-MAM) Screen Ql (U)"),
    SUBLAB("10976-9", "6-Monoacetylmorphine (6-MAM) Ql (U)"),
    SUBLAB("19322-7", "6-Monoacetylmorphine (6-MAM) Confirm Ql (U)"),
    SUBLAB("19592-5", "6-Monoacetylmorphine (6-MAM) Confirm Ql (U)"),
    SUBLAB("10975-1", "6-Monoacetylmorphine (6-MAM) (U) [Mass/Vol]"),
    SUBLAB("74130-6", "6-Monoacetylmorphine (6-MAM) (S/P/Bld) [Mass/Vol]"),
    /* Cocaine and its metabolite. */
    SUBLAB("3397-7", "Cocaine Ql (U)"),
    SUBLAB("19359-9", "Cocaine Screen Ql (U)"),
    SUBLAB("19360-7", "Cocaine Confirm Ql (U)"),
    SUBLAB("16633-0", "Cocaine Ql (Bld)"),
    SUBLAB("42241-0", "Cocaine+Benzoylecgonine Screen Ql (U)"),
    SUBLAB("73823-7", "Cocaine+Benzoylecgonine Screen Ql (S/P/Bld)"),
    SUBLAB("3393-6", "Benzoylecgonine Ql (U)"),
    SUBLAB("14314-9", "Benzoylecgonine Screen Ql (U)"),
    SUBLAB("14315-6", "Benzoylecgonine Confirm Ql (U)"),
    SUBLAB("3394-4", "Benzoylecgonine (U) [Mass/Vol]"),
    /* Cannabis. */
    SUBLAB("18282-4", "Cannabinoids Screen Ql (U)"),
    SUBLAB("3427-2", "Cannabinoids Ql (U)"),
    SUBLAB("19289-8", "Cannabinoids Confirm Ql (U)"),
    SUBLAB("42860-7", "Cannabinoids (U) [Mass/Vol]"),
    SUBLAB("70144-1", "Cannabinoids Screen method >20 ng/mL Ql (U)"),
    SUBLAB("70145-8", "Cannabinoids Screen method >50 ng/mL Ql (U)"),
    SUBLAB("42491-1", "Cannabinoids Screen Ql (Bld)"),
    SUBLAB("3426-4", "Tetrahydrocannabinol Ql (U)"),
    SUBLAB("19415-9", "Tetrahydrocannabinol Screen Ql (U)"),
    SUBLAB("19416-7", "Tetrahydrocannabinol Confirm Ql (U)"),
    /* Amphetamines and ecstasy. */
    SUBLAB("19261-7", "Amphetamines Screen Ql (U)"),
    SUBLAB("3349-8", "Amphetamines Ql (U)"),
    SUBLAB("16369-1", "Amphetamines Confirm Ql (U)"),
    SUBLAB("8150-5", "Amphetamines (U) [Mass/Vol]"),
    SUBLAB("51690-6", "Amphetamines Screen Ql (Bld)"),
    SUBLAB("19343-3", "Amphetamine Screen Ql (U)"),
    SUBLAB("19344-1", "Amphetamine Confirm Ql (U)"),
    SUBLAB("14267-9", "Methylenedioxymethamphetamine Ql (U)"),
    SUBLAB("19568-5", "Methylenedioxymethamphetamine Screen Ql (U)"),
    SUBLAB("19569-3", "Methylenedioxymethamphetamine Confirm Ql (U)"),
    /* Drugs-of-abuse panels. */
    SUBLAB("24349-3", "Drugs of abuse 5 panel (U)"),
    SUBLAB("65750-2", "Drugs of abuse 5 panel Screen (U)"),
    SUBLAB("69739-1", "Drugs of abuse panel Screen (U)"),
    SUBLAB("72479-9", "Drugs of abuse panel Screen (Bld)"),
    SUBLAB("87428-9", "Drugs of abuse screen W Reflex confirm panel (U)"),
    /* Substitution therapy of opioid dependence: methadone, its
     * metabolite EDDP, buprenorphine (the SerD's monitoring). */
    SUBLAB("19550-3", "Methadone Screen Ql (U)"),
    SUBLAB("3773-9", "Methadone Ql (U)"),
    SUBLAB("16199-2", "Methadone Confirm Ql (U)"),
    SUBLAB("3774-7", "Methadone (U) [Mass/Vol]"),
    SUBLAB("41858-2", "2-Ethylidene-1,5-Dimethyl-3,3-Diphenylpyrrolidine (EDDP) Ql (U)"),
    SUBLAB("93495-0", "2-Ethylidene-1,5-Dimethyl-3,3-Diphenylpyrrolidine (EDDP) Screen Ql (U)"),
    SUBLAB("58428-4", "2-Ethylidene-1,5-Dimethyl-3,3-Diphenylpyrrolidine (EDDP) Confirm Ql (U)"),
    SUBLAB("50542-0", "2-Ethylidene-1,5-Dimethyl-3,3-Diphenylpyrrolidine (EDDP) (U) [Mass/Vol]"),
    SUBLAB("3414-0", "Buprenorphine Ql (U)"),
    SUBLAB("93494-3", "Buprenorphine Screen Ql (U)"),
    SUBLAB("16208-1", "Buprenorphine Confirm Ql (U)"),
    SUBLAB("3415-7", "Buprenorphine (U) [Mass/Vol]"),
    SUBLAB("79139-2", "Buprenorphine Screen Ql (Bld)"),
    /* Markers of chronic alcohol abuse: CDT, ethyl glucuronide and
     * sulfate, phosphatidylethanol (not blood ethanol: see above). */
    SUBLAB("48495-6", "Transferrin.carbohydrate deficient/Total transferrin [Mass fraction]"),
    SUBLAB("12949-4", "Transferrin.carbohydrate deficient [Mass/Vol]"),
    SUBLAB("21573-1",
           "Transferrin.carbohydrate deficient.disialo/Total transferrin [Mass fraction]"),
    SUBLAB("91671-8", "Transferrin.carbohydrate deficient.disialo/Total transferrin standardized "
                      "per IFCC-RMP for CDT [Mass fraction]"),
    SUBLAB("53803-3", "Transferrin.carbohydrate deficient panel"),
    SUBLAB("55349-5", "Ethyl glucuronide Ql (U)"),
    SUBLAB("58375-7", "Ethyl glucuronide Screen Ql (U)"),
    SUBLAB("58377-3", "Ethyl glucuronide Confirm Ql (U)"),
    SUBLAB("45324-1", "Ethyl glucuronide (U) [Mass/Vol]"),
    SUBLAB("58378-1", "Ethyl glucuronide Confirm (U) [Mass/Vol]"),
    SUBLAB("58424-3", "Ethyl sulfate Screen Ql (U)"),
    SUBLAB("74683-4", "Ethyl sulfate Confirm Ql (U)"),
    SUBLAB("60676-4", "Ethyl sulfate (U) [Mass/Vol]"),
    SUBLAB("93705-2", "Ethyl sulfate and Ethyl glucuronide panel (U)"),
    SUBLAB("74661-0", "Phosphatidylethanol (Bld) [Mass/Vol]"),
    SUBLAB("76660-0", "Phosphatidylethanol Screen Ql (Bld)"),
    SUBLAB("101506-4", "Phosphatidylethanol panel (Bld)"),

    /* ---- The producer's marking ------------------------------------------ */
    R(CONF, "V", EXACT, VERYR, "confidentialityCode V (very restricted)"),
};

_Static_assert(COUNT(rules) <= FSE_CDA__TUTELA_MAX_RULES,
               "the detector's index must hold the table");

const fse_cda_tutela_rule *fse_cda_tutela_rules(size_t *n_out)
{
    if (n_out != NULL) {
        *n_out = COUNT(rules);
    }
    return rules;
}
