#!/usr/bin/env bash
# demo.sh -- `npm run demo`: the site playbook, end to end, on a local lab that stands for BETIF-DIFAET.
# Brings up SSH test hosts (test/lab/up.sh: h1 the hypervisor betif-hv, h2 the master, h3/h4 the workers, h5 the GPU
# worker, h6 a spare for the worker added at the end, h7 the NFS server), prepares them (test/lab/site/prepare.sh), then runs
#   1. betif-play playbooks/site.yml -i inventory/lab --check --diff   (the plan; the hosts do not change)
#   2. the same for real                                                (the changes), and what the plan missed
#   3. the same again                                                   (changed=0 everywhere)
#   4. one new line in a copy of the inventory, and a run with --limit worker3 (creates, joins and labels it)
# Prints each PLAY RECAP and a one-line summary per phase; full outputs, --log-file logs and --report pages stay in $LAB_DIR/demo.
# The chart's secrets come from the lab inventory's vault file (test/lab/site/vault-pass, a test-only password); the demo
# checks that none of them is in any output, log or report.
# Leaves the lab running: `npm run lab:down` stops it. Needs root.
# Two demos can run side by side: the lab's folder follows TMPDIR (LAB_DIR, default $TMPDIR/betif-lab) and its ports
# BETIF_LAB_PORT_OFFSET (inventory/lab's ports, 2551-2557 and the mirror's 2560, moved by the offset).
set -euo pipefail
cd "$(dirname "$0")/../.."

export LAB_DIR=${LAB_DIR:-${TMPDIR:-/tmp}/betif-lab}
OFFSET=${BETIF_LAB_PORT_OFFSET:-0}
INVENTORY_BASE_PORT=2551
INVENTORY_MIRROR_PORT=2560
BASE_PORT=$((INVENTORY_BASE_PORT + OFFSET))
MIRROR_PORT=$((INVENTORY_MIRROR_PORT + OFFSET))
HOSTS=(hypervisor:h1 master:h2 worker:h3 worker:h4 gpu:h5 worker:h6 nfs:h7)
NEW_WORKER="worker3: {ansible_port: $((BASE_PORT + 5)), vm_ip: 10.10.142.13}"

[ "$(id -u)" = 0 ] || { echo "demo: run as root (the lab needs mount namespaces and chroot)" >&2; exit 1; }
bash test/lab/install-deps.sh

if [ -d "$LAB_DIR/hosts" ]; then
  echo "demo: replacing the lab at $LAB_DIR"
  bash test/lab/down.sh >/dev/null
fi
bash test/lab/up.sh "${#HOSTS[@]}" "$BASE_PORT" >/dev/null
bash test/lab/site/prepare.sh "$MIRROR_PORT" "${HOSTS[@]}" | sed 's/^/lab: /'

# The chart's secrets are in the lab inventory's vault file (group_vars/rke2_servers.yml), with a test-only password.
vault_password_file=test/lab/site/vault-pass

work=$LAB_DIR/demo
mkdir -p "$work"

# lab_inventory FOLDER: a copy of inventory/lab with its ports moved by the offset.
lab_inventory() {
  rm -rf "$1"
  cp -r inventory/lab "$1"
  OFFSET=$OFFSET perl -pi -e 's/ansible_port: (\d+)/"ansible_port: " . ($1 + $ENV{OFFSET})/ge' "$1/hosts.yml"
  sed -i "s|127.0.0.1:$INVENTORY_MIRROR_PORT|127.0.0.1:$MIRROR_PORT|" "$1/group_vars/all.yml"
}
if [ "$OFFSET" = 0 ]; then inventory=inventory/lab; else inventory=$work/inventory-lab; lab_inventory "$inventory"; fi

# The lab hosts' files with size, time and mode: what a run changed. Logs, caches, runtime state and sqlite's
# shared-memory files (which readers of the rpm database touch) are left out.
fingerprint() {
  (cd "$LAB_DIR/hosts" && find . -xdev \( -path '*/var/log' -o -path '*/var/cache' -o -path './*/root/run' -o -path './*/root/tmp' -o -path './*/root/proc' -o -path './*/root/sys' -o -path './*/root/dev' \) -prune \
    -o -type f ! -name '*-shm' -printf '%p %s %T@ %m\n' | sort)
}

phase() { # phase NUMBER TITLE ARGS...
  local number=$1 title=$2 start end code=0 before after
  shift 2
  echo
  echo "=== $number. $title: betif-play playbooks/site.yml -i $inventory $*"
  before=$(fingerprint)
  start=$(date +%s.%N)
  node dist/bundle/cli/bin.js playbooks/site.yml -i "$inventory" --known-hosts "$LAB_DIR/known_hosts" --vault-password-file "$vault_password_file" \
    --log-file "$work/phase$number.log" --report "$work/phase$number.html" "$@" >"$work/phase$number.out" 2>&1 || code=$?
  end=$(date +%s.%N)
  after=$(fingerprint)
  diff <(echo "$before") <(echo "$after") >"$work/phase$number.files" || true
  if [ "$number" = 1 ]; then cat "$work/phase$number.out"; else sed -n '/^PLAY RECAP/,$p' "$work/phase$number.out"; fi
  local files
  files=$(grep -c '^>' "$work/phase$number.files" || true)
  awk -v n="$number" -v t="$title" -v code="$code" -v start="$start" -v end="$end" -v files="$files" '
    /^PLAY RECAP/ { recap = 1; next }
    recap && /: ok=/ { hosts++; for (i = 1; i <= NF; i++) { split($i, kv, "="); sum[kv[1]] += kv[2] } }
    END {
      printf "--- phase %s (%s): %d hosts, %d tasks ok, %d changed, %d failed, %d unreachable; %d files changed on the hosts; exit %d; %.1f s\n",
        n, t, hosts, sum["ok"], sum["changed"], sum["failed"], sum["unreachable"], files, code, end - start
    }' "$work/phase$number.out"
  echo "    report: $work/phase$number.html (output: $work/phase$number.out, log: $work/phase$number.log)"
  if [ "$code" != 0 ]; then echo "demo: phase $number failed; the full output is in $work/phase$number.out" >&2; exit "$code"; fi
}

phase 1 "check" --check --diff
phase 2 "first run"
# The plan against the run: each task (and host) the first run changed should have been planned as changed (or
# "changed (depends on: TASK)") by the check run before it.
changed_tasks() { # changed_tasks OUTPUT: one "TASK<TAB>HOST" line per task result reported changed
  awk '/^(TASK|RUNNING HANDLER) \[/ { task = $0; sub(/^[A-Z ]+ \[/, "", task); sub(/\] \**$/, "", task) }
       /^changed: \[/ { host = $0; sub(/^changed: \[/, "", host); sub(/[] ].*/, "", host); print task "\t" host }' "$1" | sort -u
}
changed_tasks "$work/phase1.out" >"$work/plan.changed"
changed_tasks "$work/phase2.out" >"$work/run.changed"
comm -13 "$work/plan.changed" "$work/run.changed" >"$work/plan.missed"
comm -23 "$work/plan.changed" "$work/run.changed" >"$work/plan.over"
echo
echo "--- plan vs run: $(wc -l <"$work/plan.changed") task results changed in the check run ($(grep -c '(depends on: ' "$work/phase1.out" || true) of them as \"depends on\"), $(wc -l <"$work/run.changed") in the first run; missed by the check: $(wc -l <"$work/plan.missed") (goal: 0); planned but ok in the run: $(wc -l <"$work/plan.over")"
awk -F '\t' '{ missed[$2] = missed[$2] + 1 } END { for (host in missed) printf "    %s: %d\n", host, missed[host] }' "$work/plan.missed" | sort
echo "    (the tasks: $work/plan.missed; planned but ok: $work/plan.over)"

phase 3 "second run"

site_inventory=$inventory
inventory=$work/inventory
rm -rf "$inventory"
cp -r "$site_inventory" "$inventory"
sed -i "s/^\( *\)worker2: .*$/&\n\1$NEW_WORKER/" "$inventory/hosts.yml"
echo
echo "=== Add a worker: one line in the inventory ($inventory/hosts.yml)"
diff -u "$site_inventory/hosts.yml" "$inventory/hosts.yml" | sed -n '/^@@/,$p' || true
phase 4 "add worker3" --limit worker3

# The vault's secrets (decrypted here only to look for them) must be in no output, log or report of the demo.
leaks=$(node dist/bundle/cli/bin.js vault view --vault-password-file "$vault_password_file" "$inventory/group_vars/rke2_servers.yml" |
  sed -n 's/^[a-z_]*secret[a-z_]*: *//p' | grep -F -l -f - "$work"/phase*.out "$work"/phase*.log "$work"/phase*.html || true)
echo
echo "--- the vault's secrets in the outputs, logs and reports: $(echo -n "$leaks" | grep -c . || true) files (goal: 0)"
[ -z "$leaks" ] || { echo "demo: a secret of the vault is in $leaks" >&2; exit 1; }

config=$LAB_DIR/hosts/h6/root/etc/rancher/rke2/config.yaml
echo
echo "worker3's /etc/rancher/rke2/config.yaml (token not shown):"
grep -v '^token:' "$config" | sed 's/^/  /'
echo
echo "Full outputs, --log-file logs and HTML reports: $work/phase{1,2,3,4}.{out,log,html}"
echo "A screenshot of a report (as docs/report.png): node scripts/report-screenshot.mjs $work/phase2.html report.png"
echo "The lab is still running (ssh -F $LAB_DIR/ssh_config h2 opens the master). Stop it with: npm run lab:down"
