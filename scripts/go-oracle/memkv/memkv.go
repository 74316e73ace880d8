// Package memkv gives the oracle's store pairs the type names confd's templates see (`memkv.KVPair`,
// `memkv.KVPairs`), so that `printf "%T"`, `%+v` and type errors print as they do under confd.
package memkv

// KVPair is one key with its value.
type KVPair struct {
	Key   string
	Value string
}

// KVPairs is what `gets` returns: pairs in key order. confd's store type sorts with these methods, and a
// template can call them, so they are part of what a template sees.
type KVPairs []KVPair

func (ps KVPairs) Len() int           { return len(ps) }
func (ps KVPairs) Less(i, j int) bool { return ps[i].Key < ps[j].Key }
func (ps KVPairs) Swap(i, j int)      { ps[i], ps[j] = ps[j], ps[i] }
