/*
 * tests/hostile/test_hostile.c - hostile input to the validator and to the
 * `fse validate` tool: entity attacks (XXE, billion laughs, parameter
 * entities, any DOCTYPE), nesting, size and node limits, damaged, encrypted
 * and empty PDFs, hostile XFA packets, foreign encodings, empty, NUL and
 * random bytes, attribute and namespace floods, huge text and values,
 * allocation failures at every step, and the tool's exit codes and JSON
 * lines.
 *
 * Every input must end in a clear verdict (outcome 01 with a failure saying
 * what was wrong) or an fse_err with a message, never in a crash or a leak:
 * the suite runs under ASan and UBSan. Inputs are generated in memory or
 * derived from the official samples, which are read in place; files for the
 * tool are written under FSE_BUILD_DIR/hostile/.
 *
 * The tests live in hostile_xml.c, hostile_pdf.c, hostile_faults.c and
 * hostile_tool.c, the helpers in hostile_harness.c; this file lists them.
 */
#include "hostile_harness.h"

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* First, so that LeakSanitizer sees no leak from a failed test before it. */
        cmocka_unit_test(allocation_failures_are_clean),
        cmocka_unit_test(xxe_is_refused_and_never_read),
        cmocka_unit_test(billion_laughs_is_refused_quickly),
        cmocka_unit_test(parameter_entity_dtd_is_refused),
        cmocka_unit_test(any_doctype_is_refused),
        cmocka_unit_test(deep_nesting_is_refused),
        cmocka_unit_test(fifty_megabytes_are_refused_by_size_quickly),
        cmocka_unit_test(size_limit_is_exact),
        cmocka_unit_test(just_under_the_limit_not_cda),
        cmocka_unit_test(million_attributes_are_refused_by_size),
        cmocka_unit_test(attribute_flood_is_refused_quickly),
        cmocka_unit_test(many_namespace_declarations_on_a_valid_cda),
        cmocka_unit_test(namespace_flood_is_refused_quickly),
        cmocka_unit_test(huge_text_node_keeps_the_verdict),
        cmocka_unit_test(huge_value_in_a_message_is_cut_not_dropped),
        cmocka_unit_test(truncated_pdfs_are_refused),
        cmocka_unit_test(encrypted_pdf),
        cmocka_unit_test(pdf_without_cda_is_refused),
        cmocka_unit_test(pdf_whose_cda_is_not_xml_is_refused),
        cmocka_unit_test(hostile_xfa_datasets_are_refused),
        cmocka_unit_test(xfa_namespaces_in_scope_keep_the_verdict),
        cmocka_unit_test(xfa_namespace_flood_is_refused_quickly),
        cmocka_unit_test(foreign_encodings),
        cmocka_unit_test(xsd_tree_fallback_keeps_the_verdict),
        cmocka_unit_test(empty_and_nul_input),
        cmocka_unit_test(random_bytes_are_refused),
        cmocka_unit_test(tool_exit_codes_and_json),
    };

    return cmocka_run_group_tests_name("hostile", tests, h_group_setup, h_group_teardown);
}
