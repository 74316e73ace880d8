#ifndef SWITCHBOARD_CNCURSES_SHIM_H
#define SWITCHBOARD_CNCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/ncurses.h>

static inline WINDOW *sb_stdscr(void) { return stdscr; }
static inline int sb_lines(void) { return LINES; }
static inline int sb_cols(void) { return COLS; }
static inline attr_t sb_a_bold(void) { return A_BOLD; }
static inline attr_t sb_a_reverse(void) { return A_REVERSE; }
static inline attr_t sb_a_dim(void) { return A_DIM; }
static inline attr_t sb_a_underline(void) { return A_UNDERLINE; }
static inline attr_t sb_a_normal(void) { return A_NORMAL; }
static inline attr_t sb_color_pair(int n) { return COLOR_PAIR(n); }

/// Writes `count` wide characters at (y, x) of stdscr with the given attributes and colour pair.
static inline int sb_put(int y, int x, const wchar_t *text, int count, attr_t attrs, short pair) {
    wattr_set(stdscr, attrs, pair, NULL);
    return mvwaddnwstr(stdscr, y, x, text, count);
}

/// Reads one key from stdscr: returns OK (a character), KEY_CODE_YES (a function key) or ERR (none).
static inline int sb_get_key(wint_t *key) { return wget_wch(stdscr, key); }
#endif
