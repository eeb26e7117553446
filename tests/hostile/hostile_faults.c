/*
 * tests/hostile/hostile_faults.c - the allocation fault loop: every
 * allocation of a validation failed in turn, on inputs of every verdict and
 * on the PDF path.
 */
#include "hostile_harness.h"

#include <string.h>

/*
 * Fail the Nth allocation made through fse_malloc during one validation, for
 * N = 1, 2, ... until the run succeeds (and 16 more N, in case a failure was
 * absorbed): every run must either succeed with the verdict of a clean run
 * or return FSE_E_NOMEM with no report; no crash, and no leak (checked by
 * LeakSanitizer as the loop goes). Every N is tried even after a wrong
 * answer; returns how many were wrong.
 */
static size_t fault_loop(const char *name, const uint8_t *data, size_t len, bool check_leaks)
{
    fse_report *base = h_validate(data, len);
    unsigned long n;
    unsigned long last_checked = 0;
    unsigned long n_nomem = 0;
    unsigned streak = 0;
    size_t n_wrong = 0;

    for (n = 1; streak < 16; n++) {
        fse_report *r = NULL;
        fse_err rc;

        fse_alloc_fail_at(n);
        rc = fse_validator_run(g.validator, data, len, NULL, &r);
        fse_alloc_fail_at(0);
        if (rc == FSE_OK && r != NULL && h_same_verdict(r, base)) {
            streak++;
        } else if (rc == FSE_OK && r != NULL) {
            if (n_wrong++ < 4) {
                print_error("%s, allocation %lu failed: FSE_OK with verdict %s instead of %s\n",
                            name, n, fse_outcome_code(r->outcome), fse_outcome_code(base->outcome));
                h_print_report("  report", r);
            }
            streak = 0;
        } else if (rc == FSE_E_NOMEM && r == NULL) {
            n_nomem++;
            streak = 0;
        } else {
            if (n_wrong++ < 4) {
                print_error("%s, allocation %lu failed: %s (%s), report %p\n", name, n,
                            fse_strerror(rc), fse_error_last()->message, (void *)r);
            }
            streak = 0;
        }
        fse_report_free(r);
        if (check_leaks && (n % 64 == 0 || streak == 16)) {
            if (h_leak_check() != 0) {
                fail_msg("%s: leak with a failed allocation between %lu and %lu", name,
                         last_checked + 1, n);
            }
            last_checked = n;
        }
    }
    print_message("%-22s %s: %3lu allocation failure points, %3lu gave FSE_E_NOMEM\n", name,
                  fse_outcome_code(base->outcome), n - 17, n_nomem);
    assert_true(n_nomem > 0);
    fse_report_free(base);
    return n_wrong;
}

/* The fault loop over one input of each verdict and over the PDF path. */
void allocation_failures_are_clean(void **state)
{
    static const struct {
        const char *name;
        const char *path;
    } files[] = {
        {"LDO valid", LDO_1},
        {"LAB warnings", SAMPLES "/LAB/valid/accr_CasiOK_LAB_-_Caso_di_Test_5.xml"},
        {"CERT_VACC schematron", SAMPLES "/CERT_VACC/invalid/"
                                         "gtwval_Files_schematronVACC_KO_CDA2_Certificato_"
                                         "Vaccinale_Errore_1.xml"},
        {"RAD vocabulary", SAMPLES "/RAD/invalid/testcontainer_RAD.xml"},
        {"LAB xsd", SAMPLES "/LAB/invalid/gtwval_Files_cda1.xml"},
        {"LAB no schema", SAMPLES "/LAB/invalid/gtwval_Files_cda_ok_Esempio_CDA_002.xml"},
    };
    static const char doctype[] = "<!DOCTYPE r [<!ENTITY e \"x\">]><r>&e;</r>";
    size_t len = 0;
    uint8_t *data;
    uint8_t *pdf = NULL;
    size_t pdf_len = 0;
    size_t n_wrong = 0;
    bool check_leaks = true;
    size_t i;

    (void)state;
    if (h_leak_check() != 0) {
        print_message("leaks from earlier tests: the loop relies on the report at exit\n");
        check_leaks = false;
    }
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        data = h_read(files[i].path, &len);
        n_wrong += fault_loop(files[i].name, data, len, check_leaks);
        if (i == 0) {
            assert_int_equal(fse_pdf_embed_cda(&pdf, &pdf_len, data, len, NULL), FSE_OK);
            n_wrong += fault_loop("LDO valid, in a PDF", pdf, pdf_len, check_leaks);
            fse_free(pdf);
        }
        fse_free(data);
    }
    n_wrong +=
        fault_loop("DOCTYPE refused", (const uint8_t *)doctype, strlen(doctype), check_leaks);
    if (n_wrong > 0) {
        fail_msg("%zu failed allocation(s) gave a verdict or error other than a clean "
                 "run's or FSE_E_NOMEM",
                 n_wrong);
    }
}
