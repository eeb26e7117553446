/*
 * tests/gateway/test_gateway.c - the gateway end-to-end suite: a real
 * fse_gateway and HTTP server on 127.0.0.1, driven over raw sockets
 * (gateway-api.md §1-§6). The fixture is built once (gwt_fixture.c); the
 * groups are table-driven endpoint tests (gwt_test_endpoints.c), JWT
 * attacks (gwt_test_jwt.c), the workflows (gwt_test_flow.c) and the
 * visibility documents are stored with (gwt_test_visibility.c).
 */
#include "gwt.h"

#include <signal.h>

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gwt_test_validation_table),
        cmocka_unit_test(gwt_test_create_table),
        cmocka_unit_test(gwt_test_validate_and_create_table),
        cmocka_unit_test(gwt_test_replace_table),
        cmocka_unit_test(gwt_test_validate_and_replace_table),
        cmocka_unit_test(gwt_test_delete_table),
        cmocka_unit_test(gwt_test_metadata_table),
        cmocka_unit_test(gwt_test_status_table),
        cmocka_unit_test(gwt_test_transport),
        cmocka_unit_test(gwt_test_jwt_attacks),
        cmocka_unit_test(gwt_test_publish_once),
        cmocka_unit_test(gwt_test_replace_deprecates),
        cmocka_unit_test(gwt_test_delete_and_metadata),
        cmocka_unit_test(gwt_test_status_events),
        cmocka_unit_test(gwt_test_outbox_retry),
        cmocka_unit_test(gwt_test_callback_push),
        cmocka_unit_test(gwt_test_link_expiry),
        cmocka_unit_test(gwt_test_pades),
        cmocka_unit_test(gwt_test_audit_cli),
        cmocka_unit_test(gwt_test_serve_binary),
        cmocka_unit_test(gwt_test_serve_mtls),
        cmocka_unit_test(gwt_test_visibility_publish),
        cmocka_unit_test(gwt_test_visibility_validate_and_create),
        cmocka_unit_test(gwt_test_visibility_replace),
        cmocka_unit_test(gwt_test_visibility_metadata),
    };

    /* A peer closing a TLS connection must fail the write, not kill the run. */
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests_name("gateway", tests, gwt_setup, gwt_teardown);
}
