# Khet build. `make` builds bin/khet; `make run` starts it with demo data;
# `make test` runs every test (unit, HTTP on SQLite and PostgreSQL, browser,
# sanitizers); `make bench` measures. Every target installs what is missing.
# One test alone (README "Running one test"):
#   make test-unit [T=acc [F=test_grants]] [PG=1]
#   make test-http [F=kpi [N='copy a year']] [PG=1]
SHELL = /bin/sh

PKGS   = zlib libmicrohttpd jansson libsodium sqlite3 libpq libthai libmagic libcurl libpng libjpeg \
         cairo pangocairo xlsxwriter libqrencode libzip expat libdeflate
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# B is the build folder; SAN=1 builds with AddressSanitizer + UBSan into build/san;
# FUZZ=1 builds everything with clang for libFuzzer into build/fuzz (make fuzz).
ifeq ($(FUZZ),1)
B      ?= build/fuzz
CC     := clang
OPT    ?= -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# clang's -Wformat=2 also flags vsnprintf(fmt) inside buf_vaddf, which gcc
# (the build of record) leaves to the callers' format attributes
FUZZWARN = -Wno-format-nonliteral
else ifeq ($(SAN),1)
B      ?= build/san
OPT    ?= -O1 -g $(SANFLAGS)
# targeted runs (make SAN=1 test-http …) as tests/run-all.sh runs them:
# fontconfig's one-time allocations in khet demo are not our leaks
export LSAN_OPTIONS ?= suppressions=$(CURDIR)/tests/lsan.supp
else
B      ?= build/rel
OPT    ?= -O2 -g
endif

# Hardening (release and sanitizer builds alike): _FORTIFY_SOURCE needs the
# optimiser (both builds have it: -O2, -O1); the compiler's own default is
# undefined first so ours is not a redefinition. The extra warnings are errors
# like the rest (-Werror).
HARDEN   = -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2 -fstack-protector-strong
WARN     = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers \
           -Wformat=2 -Wshadow -Wvla $(FUZZWARN)
LDHARDEN = -Wl,-z,relro,-z,now

# src/core/banned.h is forced into every compile: strcpy, sprintf, atoi …
# cannot compile (STYLE.md, git's banned.h).
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(WARN) $(HARDEN) -include src/core/banned.h \
             -Isrc -I$(B)/gen $(OPT) $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(CFLAGS)
LDLIBS_ALL = $(LDHARDEN) $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm $(LDLIBS)

SRCS      := $(shell find src -name '*.c' ! -name main.c | sort)
OBJS      := $(SRCS:%.c=$(B)/%.o) $(B)/gen/embedded.o
TPL_FILES := $(shell find templates -type f | sort)
MIG_FILES := $(shell find db/migrations -name '*.sql' | sort)
# Data files the code reads through embedded_find().
DATA_FILES := src/acc/common-passwords.txt
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)

.PHONY: all deps run test test-unit test-http bench bench-national bench-import clean static fmt check-banned analyze fuzz fuzz-build

# deps first, then the build (also under -j: the compiler needs the headers
# the install step brings).
all: deps
	@$(MAKE) --no-print-directory bin/khet

deps:
	@./scripts/install-deps.sh
	@./scripts/build-static.sh

static/dist/manifest.json: package-lock.json scripts/build-static.sh scripts/build-static.mjs $(shell find static/src -type f)
	@./scripts/build-static.sh

bin/khet: $(B)/khet
	@mkdir -p bin
	$(Q)cp $(B)/khet $(TMP) && mv -f $(TMP) $@

# Quiet by default (a short line per step); `make V=1` shows the commands.
ifeq ($(V),1)
Q =
say = @:
else
Q = @
say = @printf '  %-6s %s\n'
endif
ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
say = @:
endif

# Every output is written to a temp name and renamed, so two builds running
# at once (two terminals, an editor's and a test's) never leave a torn file.
TMP = $@.tmp$$$$
$(B)/khet: $(B)/src/main.o $(OBJS)
	$(say) LINK $@
	$(Q)$(CC) $(OPT) -o $(TMP) $^ $(LDLIBS_ALL) && mv -f $(TMP) $@

$(B)/%.o: %.c $(shell find src -name '*.h')
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(CFLAGS_ALL) -c -o $(TMP) $< && mv -f $(TMP) $@

# Templates and migrations are compiled into the binary (parsed once at
# start); `khet serve --dev` reads templates/ from disk instead.
$(B)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) -std=c11 -O2 -Wall -Wextra -Werror -o $(TMP) $< && mv -f $(TMP) $@

$(B)/gen/embedded.c: $(B)/tools/embed $(TPL_FILES) $(MIG_FILES) $(DATA_FILES) static/dist/manifest.json
	@mkdir -p $(dir $@)
	$(say) EMBED "templates, migrations, data"
	$(Q)$(B)/tools/embed $(TPL_FILES) $(MIG_FILES) $(DATA_FILES) static/dist/manifest.json > $(TMP) && mv -f $(TMP) $@

$(B)/gen/embedded.o: $(B)/gen/embedded.c
	$(say) CC $<
	$(Q)$(CC) $(CFLAGS_ALL) -Wno-overlength-strings -c -o $(TMP) $< && mv -f $(TMP) $@

$(B)/tests/%: tests/unit/%.c $(OBJS) tests/unit/unit.h tests/unit/engine.h
	@mkdir -p $(dir $@)
	$(say) LINK $@
	$(Q)$(CC) $(CFLAGS_ALL) -Itests/unit -o $(TMP) $< $(OBJS) $(LDLIBS_ALL) -lcmocka && mv -f $(TMP) $@

# T: unit test binaries by short name (acc = tests/unit/test_acc.c), F: a
# test function (cmocka pattern, * and ?); for test-http F: test files by
# short name (kpi = tests/http/kpi.test.mjs), N: a test name pattern (a
# regular expression, node --test-name-pattern). PG=1 runs the database
# tests on a throwaway PostgreSQL too (or the server KHET_TEST_PG names).
shq = '$(subst ','\'',$(1))'
WITH_PG = $(if $(PG),./tests/with-pg.sh)

test-unit: deps $(if $(T),$(T:%=$(B)/tests/test_%),$(UNIT_BINS))
	@KHET_UNIT_ONLY=$(call shq,$(T)) KHET_UNIT_VERBOSE=$(if $(T)$(F),1) KHET_TEST_FILTER=$(call shq,$(F)) $(WITH_PG) ./tests/run-unit.sh $(B)/tests

test-http: all
	@KHET_BIN=bin/khet $(WITH_PG) ./tests/run-http.sh $(call shq,$(N)) $(if $(F),$(F:%=tests/http/%.test.mjs),tests/http/*.test.mjs)

# libFuzzer targets (tests/fuzz/fuzz_NAME.c), built with Debian's clang and
# ASan + UBSan; `make fuzz` runs each for FUZZ_SECONDS (default 60) from its
# seed corpus (tests/fuzz/corpus/NAME), `make fuzz FUZZ_T="body form"` some
# of them; make test runs each for a few seconds (tests/run-all.sh).
FUZZ_SRCS    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS    := $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/bin/%)
FUZZ_SECONDS ?= 60

build/fuzz/bin/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(OBJS)
	@mkdir -p $(dir $@)
	$(say) LINK $@
	$(Q)$(CC) $(CFLAGS_ALL) -fsanitize=fuzzer -Itests/fuzz -o $(TMP) $< $(OBJS) $(LDLIBS_ALL) && mv -f $(TMP) $@

fuzz-build: deps
	@$(MAKE) --no-print-directory FUZZ=1 $(FUZZ_BINS)

fuzz: fuzz-build
	@./tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_T)

# banned.h must refuse a banned call (a file with strcpy must not compile).
check-banned:
	@if printf '#include <string.h>\nvoid f(char *d) { strcpy(d, "x"); }\n' | \
	    $(CC) $(CFLAGS_ALL) -x c -fsyntax-only - 2>/dev/null; then \
		echo "src/core/banned.h lets strcpy compile"; exit 1; \
	else echo "banned.h: strcpy refused"; fi

# GCC's static analyzer (-fanalyzer) over every source file, warnings as
# errors like the build; .ci/run runs it before the tests. A stamp per file,
# so a second run redoes only what changed.
ANALYZE_STAMPS := $(SRCS:%.c=build/analyze/%.ok) build/analyze/src/main.ok
analyze: deps
	@$(MAKE) --no-print-directory $(B)/gen/embedded.c
	@$(MAKE) --no-print-directory $(ANALYZE_STAMPS)
	@echo "analyze: $(words $(ANALYZE_STAMPS)) files clean"

build/analyze/%.ok: %.c $(shell find src -name '*.h')
	@mkdir -p $(dir $@)
	$(say) ANALYZE $<
	$(Q)$(CC) $(CFLAGS_ALL) -fanalyzer -c -o /dev/null $< && touch $@

run: all
	./scripts/run.sh

test: deps
	./tests/run-all.sh

bench: all
	./bench/run.sh
	if [ "$${BENCH_NATIONAL:-1}" != 0 ]; then \
		NAT_SCHOOLS=$${NAT_SCHOOLS:-3000} NAT_LEARNERS=$${NAT_LEARNERS:-600000} ./bench/national.sh; fi

# the student census at national scale on PostgreSQL and its round day
# (issue 12; bench/README.md "bench-national"); NAT_* variables scale it
bench-national: all
	./bench/national.sh

# the census import alone (issue 12): khet import students against sqlite3 .import
bench-import: all
	./bench/import.sh

clean:
	rm -rf build bin static/dist

fmt:
	clang-format -i $$(find src tests/unit tools -name '*.[ch]')
