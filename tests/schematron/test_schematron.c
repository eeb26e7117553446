/*
 * tests/schematron/test_schematron.c - unit tests of lib/schematron, the
 * native ISO Schematron engine: XPath 2.0 semantics (sch_test_xpath.c),
 * schematron rules, lets and messages (sch_test_rules.c), the official
 * files (sch_test_files.c), hostile input and allocation faults
 * (sch_test_robust.c). Helpers: sch_harness.c.
 */
#include "sch_harness.h"

#include "fse/xml.h"
#include "sch_tests.h"

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* XPath 2.0 */
        cmocka_unit_test(string_lets_compare_by_codepoint),
        cmocka_unit_test(untyped_nodes_compare_as_strings),
        cmocka_unit_test(node_versus_string_and_number),
        cmocka_unit_test(node_sets_compare_existentially),
        cmocka_unit_test(count_comparisons),
        cmocka_unit_test(child_steps_with_mixed_namespaces),
        cmocka_unit_test(effective_boolean_values),
        cmocka_unit_test(matches_searches_unanchored),
        cmocka_unit_test(matches_survey_regexes),
        cmocka_unit_test(matches_dollar_and_newlines),
        cmocka_unit_test(matches_unicode_digit_class),
        cmocka_unit_test(exists_and_empty),
        cmocka_unit_test(substring_after_values),
        cmocka_unit_test(axes_parent_ancestor_self),
        cmocka_unit_test(reverse_axis_positional_predicate),
        cmocka_unit_test(filter_step_in_path),
        cmocka_unit_test(union_of_paths),
        cmocka_unit_test(sequence_argument_errors_stop_the_run),
        cmocka_unit_test(root_paths_are_per_document),
        cmocka_unit_test(documents_without_name_dictionary),
        /* rules, lets, messages */
        cmocka_unit_test(first_matching_rule_wins),
        cmocka_unit_test(first_rule_across_wildcard_and_named_contexts),
        cmocka_unit_test(context_pattern_forms),
        cmocka_unit_test(shared_context_prefixes_are_distinguished),
        cmocka_unit_test(patterns_fire_independently),
        cmocka_unit_test(contains_local_name_context),
        cmocka_unit_test(rule_lets_per_context_node),
        cmocka_unit_test(pattern_lets_use_the_document),
        cmocka_unit_test(lets_referencing_lets),
        cmocka_unit_test(if_then_else_let_in_message),
        cmocka_unit_test(for_each_let_builds_a_path),
        cmocka_unit_test(official_effective_time_assert),
        cmocka_unit_test(name_is_the_qname_as_written),
        cmocka_unit_test(value_of_joins_sequences),
        cmocka_unit_test(labels_and_whitespace),
        cmocka_unit_test(locations_with_positions),
        cmocka_unit_test(locations_resolve_with_libxml2),
        cmocka_unit_test(report_versus_assert),
        cmocka_unit_test(compile_errors_name_the_expression),
        cmocka_unit_test(compile_error_names_the_file_once),
        cmocka_unit_test(rule_let_in_own_context_predicate),
        /* official files */
        cmocka_unit_test(official_files_compile_with_survey_counts),
        cmocka_unit_test(legacy_files_compile_or_fail_cleanly),
        cmocka_unit_test(official_files_run_on_samples),
        /* robustness */
        cmocka_unit_test(hostile_schematrons_do_not_crash),
        cmocka_unit_test(nested_parentheses),
        cmocka_unit_test(megabyte_expressions),
        cmocka_unit_test(let_cycles_are_dynamic_errors),
        cmocka_unit_test(compile_survives_allocation_failures),
        cmocka_unit_test(run_survives_allocation_failures),
    };

    fse_xml_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
