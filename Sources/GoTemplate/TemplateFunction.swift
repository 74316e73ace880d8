/// Every function a template can call: Go's builtins, confd's helpers and confd's store functions.
enum TemplateFunction: String, Sendable, CaseIterable {
    // Go builtins.
    case and, or, not, len, index, slice, print, printf, println, html, js, urlquery, call
    case eq, ne, lt, le, gt, ge
    // confd helpers.
    case base, dir, split, join, toUpper, toLower, contains, replace, trimSuffix, json, jsonArray, map, getenv
    case datetime, fileExists, base64Encode, base64Decode, parseBool, reverse, sortByLength, sortKVByLength
    case add, sub, mul, div, mod, seq, atoi, lookupIP, lookupIPV4, lookupIPV6, lookupSRV
    // confd store functions.
    case exists, get, gets, getv, getvs, ls, lsdir
}
