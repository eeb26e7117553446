/*
 * tests/schematron/sch_tests.h - the test functions of each sch_test_*.c
 * file, registered in test_schematron.c.
 */
#ifndef SCH_TESTS_H
#define SCH_TESTS_H

/* sch_test_xpath.c: XPath 2.0 semantics */
void string_lets_compare_by_codepoint(void **state);
void untyped_nodes_compare_as_strings(void **state);
void node_versus_string_and_number(void **state);
void node_sets_compare_existentially(void **state);
void count_comparisons(void **state);
void child_steps_with_mixed_namespaces(void **state);
void effective_boolean_values(void **state);
void matches_searches_unanchored(void **state);
void matches_survey_regexes(void **state);
void matches_dollar_and_newlines(void **state);
void matches_unicode_digit_class(void **state);
void exists_and_empty(void **state);
void substring_after_values(void **state);
void axes_parent_ancestor_self(void **state);
void reverse_axis_positional_predicate(void **state);
void filter_step_in_path(void **state);
void union_of_paths(void **state);
void sequence_argument_errors_stop_the_run(void **state);
void root_paths_are_per_document(void **state);
void documents_without_name_dictionary(void **state);

/* sch_test_rules.c: rules, lets, messages */
void first_matching_rule_wins(void **state);
void first_rule_across_wildcard_and_named_contexts(void **state);
void context_pattern_forms(void **state);
void shared_context_prefixes_are_distinguished(void **state);
void patterns_fire_independently(void **state);
void contains_local_name_context(void **state);
void rule_lets_per_context_node(void **state);
void pattern_lets_use_the_document(void **state);
void lets_referencing_lets(void **state);
void if_then_else_let_in_message(void **state);
void for_each_let_builds_a_path(void **state);
void official_effective_time_assert(void **state);
void name_is_the_qname_as_written(void **state);
void value_of_joins_sequences(void **state);
void labels_and_whitespace(void **state);
void locations_with_positions(void **state);
void locations_resolve_with_libxml2(void **state);
void report_versus_assert(void **state);
void compile_errors_name_the_expression(void **state);
void compile_error_names_the_file_once(void **state);
void rule_let_in_own_context_predicate(void **state);

/* sch_test_files.c: the official files */
void official_files_compile_with_survey_counts(void **state);
void legacy_files_compile_or_fail_cleanly(void **state);
void official_files_run_on_samples(void **state);

/* sch_test_robust.c: hostile input and allocation faults */
void hostile_schematrons_do_not_crash(void **state);
void nested_parentheses(void **state);
void megabyte_expressions(void **state);
void let_cycles_are_dynamic_errors(void **state);
void compile_survives_allocation_failures(void **state);
void run_survives_allocation_failures(void **state);

#endif /* SCH_TESTS_H */
