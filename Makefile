# keaha: a terminal dashboard for ISC Kea DHCP High Availability.
#   make            build ./keaha
#   make check      install what tests need, run unit, fixture, layering and lab tests
#   make demo       install what is missing, start the Kea lab, open keaha on it
#                   (KEA=3: the Kea 3.0 lab of tests/lab3, direct HTTP, chroot; root)
#   make check-kea3 keaha on real Kea 3.0 (tests/lab3/run-tests.sh; root; .ci/run runs it after check)
#   make asan       ASan + UBSan build running unit/fixture tests and a lab smoke test
#   make bench      benchmark figures (bench/RESULTS.md)
#   make screenshots  PNG screenshots of the dashboard on the lab (screenshots/)

VERSION := 0.1.0
CC ?= cc
PKGS := libuv libcurl libcjson
UI_PKGS := ncursesw
CFLAGS_WARN := -std=c11 -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-format-nonliteral -Wno-format-truncation
CFLAGS ?= -O2 -g
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) $(UI_PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) $(UI_PKGS) 2>/dev/null)
# -Werror always (CI too): a warning is a bug report nobody reads later.
ALL_CFLAGS = $(CFLAGS_WARN) -Werror -D_DEFAULT_SOURCE -D_GNU_SOURCE -DKEAHA_VERSION='"$(VERSION)"' -DNCURSES_WIDECHAR=1 \
	-Isrc -Iui $(PKG_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS = $(PKG_LIBS) -lm

B ?= build
CORE_SRC := $(filter-out src/main.c,$(wildcard src/*.c))
UI_SRC := $(wildcard ui/*.c)
CORE_OBJ := $(CORE_SRC:%.c=$(B)/%.o)
UI_OBJ := $(UI_SRC:%.c=$(B)/%.o)
MAIN_OBJ := $(B)/src/main.o
TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(B)/tests/%)

SHARED ?= $(abspath ../shared)
export KEAHA_FIXTURES ?= $(SHARED)/kea/fixtures
export KEAHA_FIXTURES3 ?= $(SHARED)/kea/kea3/fixtures

all: keaha

keaha: $(B)/keaha
	cp $< $@

$(B)/keaha: $(MAIN_OBJ) $(CORE_OBJ) $(UI_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/tests/%: tests/unit/%.c $(CORE_OBJ) $(UI_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -MMD -MP -o $@ $(filter %.c %.o,$^) $(LDLIBS) -lcmocka

$(B)/fakeagent: bench/fakeagent.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O2 -o $@ $< $(shell pkg-config --libs libuv)

# The same-run floor: a minimal poller that shares no code with keaha.
$(B)/refpoll: bench/refpoll.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O2 -o $@ $< $(shell pkg-config --libs $(PKGS))

$(B)/bench-poll: bench/bench-poll.c $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -o $@ $(filter %.c %.o,$^) $(shell pkg-config --libs $(PKGS)) -lm

deps:
	@scripts/deps.sh build

# Unit and fixture tests: fast, no network.
unit: $(TEST_BIN) $(B)/fakeagent
	@scripts/run-unit.sh $(TEST_BIN)

# The layering rules of docs/ARCHITECTURE.md, checked on the source.
lint:
	@scripts/lint.sh

check:
	@scripts/deps.sh check
	@$(MAKE) --no-print-directory CI=$(CI) keaha $(TEST_BIN) $(B)/fakeagent
	@scripts/lint.sh
	@scripts/run-unit.sh $(TEST_BIN)
	@tests/lab/run-tests.sh
	@tests/e2e/run.sh

asan:
	@scripts/deps.sh check
	@$(MAKE) --no-print-directory B=build-asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
		build-asan/keaha $(TEST_BIN:$(B)/%=build-asan/%) build-asan/fakeagent
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		scripts/run-unit.sh $(TEST_BIN:$(B)/%=build-asan/%)
	@KEAHA=build-asan/keaha tests/lab/run-tests.sh smoke

demo:
ifeq ($(KEA),3)
	@scripts/deps.sh build kea3
	@$(MAKE) --no-print-directory keaha
	@LAB_DIR=$${LAB_DIR:-/tmp/keaha-demo3}; export LAB_DIR; \
	if ! [ -f "$$LAB_DIR/lab.net" ] || ! tests/lab3/lab3.sh status 2>/dev/null | grep -q running; then \
		tests/lab3/lab3.sh start || exit 1; fi; echo; \
	./keaha -c "$$LAB_DIR/keaha-managed.conf" status || true; \
	echo; echo "Kea 3.0 lab in $$LAB_DIR. Try: LAB_DIR=$$LAB_DIR tests/lab3/lab3.sh kill lb-primary;"; \
	echo "  ./keaha -c $$LAB_DIR/keaha-managed.conf   (dashboard)"; \
	echo "Stop it with: LAB_DIR=$$LAB_DIR tests/lab3/lab3.sh stop"
else
	@scripts/deps.sh build lab
	@$(MAKE) --no-print-directory keaha
	@scripts/demo.sh
endif

# keaha on real Kea 3.0 servers (Debian sid packages in a cached chroot; root).
check-kea3:
	@scripts/deps.sh build kea3
	@$(MAKE) --no-print-directory keaha
	@tests/lab3/run-tests.sh

# PNG screenshots of the dashboard on the Kea lab (screenshots/README.md).
screenshots:
	@scripts/deps.sh screenshots
	@$(MAKE) --no-print-directory keaha
	@scripts/screenshots.sh

$(B)/bench-render: bench/bench-render.c $(CORE_OBJ) $(UI_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter %.c %.o,$^) $(LDLIBS)

bench:
	@scripts/deps.sh bench lab
	@$(MAKE) --no-print-directory keaha $(B)/fakeagent $(B)/bench-poll $(B)/refpoll $(B)/bench-render
	@bench/run.sh
	@bench/ui.sh

clean:
	rm -rf build build-asan keaha

.PHONY: all deps unit lint check check-kea3 asan demo bench screenshots clean
-include $(shell find $(B) -name '*.d' 2>/dev/null)
