/* search: what a user types into a list's search box as the LIKE patterns
 * of the list's query. Every searchable table keeps a column of its words
 * as thai_search_terms breaks them (Thai runs cut by libthai, Latin
 * lower-cased, punctuation dropped), and its list query has a fixed number
 * of conditions "search LIKE $n", one per slot, so the SQL text stays
 * constant: each word of the query fills a slot as "%word%", unused slots
 * are "%" (match anything), a repeated word adds nothing, and a query with
 * more words than slots puts the rest into the last slot, where they must
 * then occur in that order. A pattern never holds a typed % or _, as the
 * word breaking drops ASCII punctuation. */
#ifndef KHET_SEARCH_H
#define KHET_SEARCH_H

#include "core/buf.h"
#include "core/err.h"

/* The LIKE conditions of every list's search SQL. */
#define SEARCH_SLOTS 6
/* Longest query accepted, in characters: a name and a district at most. */
#define SEARCH_QUERY_MAX 100

/* 0 when q is one a search box takes (strict UTF-8, at most
 * SEARCH_QUERY_MAX characters), else -1 with e at field "q" saying so in
 * Thai. */
int search_query_check(const char *q, struct err *e);

/* The Thai notice for a query with something typed but nothing to look
 * for: only punctuation and spaces ("--", "...", "- -"), which the word
 * breaking drops, so the list's patterns match every row. A list shows
 * its whole list under this notice at its search box (the box keeping
 * what was typed), rather than every row with no word of why. NULL when
 * q is empty or only spaces (no search asked) or has a letter or digit. */
const char *search_query_notice(const char *q);

/* Fills pat[0..SEARCH_SLOTS) (initialised here) with the patterns of q
 * as thai_search_terms breaks it; returns the number of distinct words. */
int search_patterns(const char *q, struct buf pat[SEARCH_SLOTS]);
/* The same for words already broken, separated by spaces (a caller that
 * keeps some text whole, such as an e-mail address, breaks it itself). */
int search_patterns_of_words(const char *words, struct buf pat[SEARCH_SLOTS]);
void search_patterns_release(struct buf pat[SEARCH_SLOTS]);

#endif
