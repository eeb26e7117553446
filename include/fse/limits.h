/*
 * include/fse/limits.h - every processing limit of the library in one place.
 *
 * Each limit has a default and a hard cap with the reason for it.
 * Configuration may lower a limit, never raise it past the hard cap.
 */
#ifndef FSE_LIMITS_H
#define FSE_LIMITS_H

/* Largest upload the national Gateway accepts (413 above it): 5 MB. A CDA or
 * PDF over this is refused before parsing. */
#define FSE_MAX_DOCUMENT_BYTES (5u * 1024u * 1024u)

/* Deepest XML element nesting accepted. Real CDA documents nest < 60 levels;
 * recursive tree walks must never exhaust the stack. */
#define FSE_MAX_XML_DEPTH 256

/* Most XML nodes (elements, attributes, text) in one document. A 5 MB CDA
 * holds well under 500k nodes; this bounds memory and evaluation time. */
#define FSE_MAX_XML_NODES 1000000u

/* Most attributes (namespace declarations included) on one element. libxml2 2.9 checks duplicate
 * attributes and namespace declarations pairwise while it parses a start tag, so a tag with 100k
 * attributes takes minutes, 4096 a few milliseconds; real CDA start tags have
 * fewer than 20 attributes. */
#define FSE_MAX_XML_ATTRIBUTES 4096

/* Most namespace declarations in scope at once. libxml2 looks prefixes up
 * linearly in the in-scope list for every element: the cost is bounded by
 * this times the node count. CDA documents declare fewer than 10. */
#define FSE_MAX_XML_NAMESPACES 4096

/* Largest rules file (XSD, schematron) the catalog loader reads. */
#define FSE_MAX_RULES_FILE_BYTES (16u * 1024u * 1024u)

/* Largest compressed terminology dump read at start-up. */
#define FSE_MAX_TERMINOLOGY_BYTES (256u * 1024u * 1024u)

/* Deepest XPath expression nesting the schematron compiler accepts: the
 * official rules nest < 20; recursion in the evaluator stays bounded. */
#define FSE_MAX_XPATH_DEPTH 64

/* Most failures kept in one report; further ones are counted, not stored. */
#define FSE_MAX_REPORT_FAILURES 10000u

/* Longest message built for a single failure. */
#define FSE_MAX_MESSAGE_BYTES 8192u

/* Most objects qpdf may hold for one PDF, and the largest embedded CDA. */
#define FSE_MAX_PDF_OBJECTS 200000u
#define FSE_MAX_EMBEDDED_CDA_BYTES FSE_MAX_DOCUMENT_BYTES

#endif /* FSE_LIMITS_H */
