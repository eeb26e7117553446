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
