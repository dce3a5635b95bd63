# Per-package statement coverage from a merged Go cover profile: each block
# is counted once (covered if any test binary ran it), so a package's figure
# includes what other packages' tests exercise in it.
NR > 1 {
	n[$1] = $2
	if ($3 > 0) c[$1] = 1
}
END {
	for (k in n) {
		f = k; sub(/:.*/, "", f); sub(/\/[^\/]*$/, "", f)
		tot[f] += n[k]; if (c[k]) cov[f] += n[k]
		all += n[k]; if (c[k]) allcov += n[k]
	}
	for (p in tot) printf "%-34s %6.1f%%  of %5d statements\n", p, 100 * cov[p] / tot[p], tot[p] | "sort"
	close("sort")
	printf "%-34s %6.1f%%  of %5d statements\n", "total", 100 * allcov / all, all
}
