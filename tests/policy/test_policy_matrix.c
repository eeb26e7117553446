/*
 * tests/policy/test_policy_matrix.c - the acceptance suite of
 * consultation against a real server on 127.0.0.1 (fse_http_server with
 * the fse_consult routes, and the gateway for publication): the access
 * matrix generated from the policy table of docs/policy.md (pt_matrix.c),
 * consent revocation with the access log and the audit chain, and
 * maggior tutela documents hidden on arrival (pt_accept.c), relations
 * that count only while in force (pt_time.c), and the access log that
 * must not name documents hidden from its reader (pt_leaks.c).
 */
#include "pt.h"

#include <signal.h>

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pt_test_access_matrix),
        cmocka_unit_test(pt_test_consent_revocation),
        cmocka_unit_test(pt_test_tutela_publication),
        cmocka_unit_test(pt_test_relations_in_time),
        cmocka_unit_test(pt_test_access_log_names_no_hidden_document),
    };

    /* A peer closing a keep-alive connection must fail a write, not kill
     * the run. */
    signal(SIGPIPE, SIG_IGN);
    /* test_policy_matrix [pattern]: only the cases whose name matches. */
    if (argc > 1) {
        cmocka_set_test_filter(argv[1]);
    }
    return cmocka_run_group_tests_name("policy_matrix", tests, pt_setup, pt_teardown);
}
