# Sourced by bin/cross-interest and bin/cross-interest-cluster (not a command of its own).
# conf_value DIR KEY: the one-line value of KEY in DIR/config.yaml (the last one when the key repeats), empty when the
# key or the file is absent.
conf_value() { { sed -n "s/^${2//./\\.}:[[:space:]]*//p" "$1/config.yaml" 2>/dev/null || true; } | tail -n 1; }
