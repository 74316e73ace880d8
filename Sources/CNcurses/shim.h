#ifndef SWITCHBOARD_CNCURSES_SHIM_H
#define SWITCHBOARD_CNCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
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
#endif
