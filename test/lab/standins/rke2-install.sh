#!/bin/sh
# A stand-in for the RKE2 install script (https://get.rke2.io) on hosts that cannot download RKE2.
# It reads the same environment (INSTALL_RKE2_VERSION, _CHANNEL, _TYPE/_EXEC, _METHOD, _TAR_PREFIX,
# _SKIP_RELOAD), prints the same progress lines and lays down the same files as the tar method:
# PREFIX/bin/rke2 (a stub answering --version like the real binary; `rke2 server` writes the join token and
# kubeconfig, `rke2 agent` checks its server and token), rke2-killall.sh, rke2-uninstall.sh and the
# rke2-server/rke2-agent units. PREFIX is /usr/local, or /opt/rke2 when /usr/local is read-only or a mount
# point; units then move to /etc/systemd/system with their paths rewritten, as the real script does.
# The rpm method needs yum and the rpm.rancher.io repositories, which these hosts do not have.
set -e

info() { echo "[INFO] " "$@"; }
warn() { echo "[WARN] " "$@" >&2; }
fatal() { echo "[ERROR] " "$@" >&2; exit 1; }

DEFAULT_TAR_PREFIX=/usr/local

# The releases each channel points at (what update.rke2.io answers).
channel_version() {
    case $1 in
        stable | v1.30) echo v1.30.4+rke2r1 ;;
        latest | v1.31) echo v1.31.0+rke2r1 ;;
        testing) echo v1.31.1-rc1+rke2r1 ;;
        v1.29) echo v1.29.8+rke2r1 ;;
        *) return 1 ;;
    esac
}

setup_env() {
    [ "$(id -u)" -eq 0 ] || fatal "You need to be root to perform this install"
    INSTALL_RKE2_CHANNEL=${INSTALL_RKE2_CHANNEL:-stable}
    INSTALL_RKE2_TYPE=${INSTALL_RKE2_TYPE:-${INSTALL_RKE2_EXEC:-server}}
    if [ -z "${INSTALL_RKE2_METHOD}" ] && command -v yum >/dev/null 2>&1; then
        INSTALL_RKE2_METHOD=rpm
    fi
    if [ -z "${INSTALL_RKE2_TAR_PREFIX}" ]; then
        INSTALL_RKE2_TAR_PREFIX=${DEFAULT_TAR_PREFIX}
        if mountpoint -q "${INSTALL_RKE2_TAR_PREFIX}" || ! { touch "${INSTALL_RKE2_TAR_PREFIX}/.rke2-ro-test" 2>/dev/null && rm -f "${INSTALL_RKE2_TAR_PREFIX}/.rke2-ro-test"; }; then
            INSTALL_RKE2_TAR_PREFIX=/opt/rke2
            warn "${DEFAULT_TAR_PREFIX} is read-only or a mount point; installing to ${INSTALL_RKE2_TAR_PREFIX}"
        fi
    fi
    case ${INSTALL_RKE2_TYPE} in
        server | agent) ;;
        *) fatal "invalid INSTALL_RKE2_TYPE ${INSTALL_RKE2_TYPE}: must be server or agent" ;;
    esac
}

get_release_version() {
    if [ -n "${INSTALL_RKE2_VERSION}" ]; then
        case ${INSTALL_RKE2_VERSION} in
            v1.[0-9]*.[0-9]*+rke2r[0-9]* | v1.[0-9]*.[0-9]*-rc[0-9]*+rke2r[0-9]*) ;;
            *) fatal "download failed" ;;
        esac
        return
    fi
    info "finding release for channel ${INSTALL_RKE2_CHANNEL}"
    INSTALL_RKE2_VERSION=$(channel_version "${INSTALL_RKE2_CHANNEL}") || fatal "download failed"
}

write_binary() {
    commit=$(printf '%s' "${INSTALL_RKE2_VERSION}" | sha256sum | cut -c1-8)
    cat >"$1" <<EOF
#!/bin/sh
# rke2 ${INSTALL_RKE2_VERSION}, as laid down by the rke2 install stand-in.
VERSION='${INSTALL_RKE2_VERSION}'
COMMIT='${commit}'
EOF
    cat >>"$1" <<'EOF'
CONFIG=/etc/rancher/rke2/config.yaml
DATA=/var/lib/rancher/rke2
KUBECONFIG_FILE=/etc/rancher/rke2/rke2.yaml

# The value of a top-level key of config.yaml, or of the environment variable named second.
setting() {
    value=
    [ -f "$CONFIG" ] && value=$(sed -n "s/^$1:[[:space:]]*//p" "$CONFIG" | head -n 1 | sed -e "s/^[\"']//" -e "s/[\"']\$//")
    [ -n "$value" ] || eval "value=\${$2:-}"
    printf '%s' "$value"
}
random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

case ${1:-} in
    --version | -v | version)
        printf 'rke2 version %s (%s)\ngo version go1.22.5 X:boringcrypto\n' "$VERSION" "$COMMIT" ;;
    server)
        mkdir -p "$DATA/server" "$(dirname "$KUBECONFIG_FILE")"
        if [ ! -s "$DATA/server/token" ]; then
            secret=$(setting token RKE2_TOKEN)
            [ -n "$secret" ] || secret=$(random_hex 16)
            (umask 077 && printf 'K10%s::server:%s\n' "$(random_hex 32)" "$secret" >"$DATA/server/token")
        fi
        ln -sfn "$DATA/server/token" "$DATA/server/node-token"
        if [ ! -s "$KUBECONFIG_FILE" ]; then
            (umask 077 && cat >"$KUBECONFIG_FILE" <<KUBECONFIG
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: $(random_hex 48 | base64 -w0)
    server: https://127.0.0.1:6443
  name: default
contexts:
- context:
    cluster: default
    user: default
  name: default
current-context: default
kind: Config
preferences: {}
users:
- name: default
  user:
    client-certificate-data: $(random_hex 48 | base64 -w0)
    client-key-data: $(random_hex 48 | base64 -w0)
KUBECONFIG
            )
        fi
        # RKE2's helm-controller serves HelmChart objects: its CRD is in the cluster (the kubectl stand-in's store).
        crd=${KUBECTL_STANDIN_STATE:-/var/lib/kubectl-standin}/objects/customresourcedefinition.apiextensions.k8s.io/_cluster/helmcharts.helm.cattle.io.json
        if [ ! -s "$crd" ]; then
            mkdir -p "$(dirname "$crd")"
            cat >"$crd" <<CRD
{"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
 "metadata": {"name": "helmcharts.helm.cattle.io", "creationTimestamp": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"},
 "spec": {"group": "helm.cattle.io", "scope": "Namespaced",
          "names": {"kind": "HelmChart", "plural": "helmcharts", "singular": "helmchart", "listKind": "HelmChartList"},
          "versions": [{"name": "v1", "served": true, "storage": true}]}}
CRD
        fi
        mode=$(setting write-kubeconfig-mode RKE2_KUBECONFIG_MODE)
        [ -z "$mode" ] || chmod "$mode" "$KUBECONFIG_FILE"
        echo "time=\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\" level=info msg=\"Starting rke2 $VERSION ($COMMIT)\"" ;;
    agent)
        server=$(setting server RKE2_URL)
        token=$(setting token RKE2_TOKEN)
        [ -n "$server" ] || { echo 'level=fatal msg="--server is required"' >&2; exit 1; }
        [ -n "$token" ] || { echo 'level=fatal msg="--token is required"' >&2; exit 1; }
        mkdir -p "$DATA/agent"
        printf '%s\n' "$server" >"$DATA/agent/server-url"
        echo "time=\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\" level=info msg=\"Starting rke2 agent $VERSION ($COMMIT) for $server\"" ;;
    *)
        echo "Incorrect Usage. rke2 server|agent|--version" >&2; exit 1 ;;
esac
EOF
    chmod 755 "$1"
}

write_unit() {
    role=$1 description=$2 type=$3 conflicts=$4
    cat >"${INSTALL_RKE2_TAR_PREFIX}/lib/systemd/system/rke2-${role}.service" <<EOF
[Unit]
Description=Rancher Kubernetes Engine v2 (${description})
Documentation=https://github.com/rancher/rke2#readme
Wants=network-online.target
After=network-online.target
Conflicts=rke2-${conflicts}.service

[Install]
WantedBy=multi-user.target

[Service]
Type=${type}
EnvironmentFile=-/etc/default/%N
EnvironmentFile=-/etc/sysconfig/%N
EnvironmentFile=-/usr/local/lib/systemd/system/%N.env
KillMode=process
Delegate=yes
LimitNOFILE=1048576
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
TimeoutStartSec=0
Restart=always
RestartSec=5s
ExecStartPre=-/sbin/modprobe br_netfilter
ExecStartPre=-/sbin/modprobe overlay
ExecStart=/usr/local/bin/rke2 ${role}
EOF
    : >"${INSTALL_RKE2_TAR_PREFIX}/lib/systemd/system/rke2-${role}.env"
}

write_scripts() {
    bin=${INSTALL_RKE2_TAR_PREFIX}/bin
    cat >"$bin/rke2-killall.sh" <<'EOF'
#!/bin/sh
for service in /etc/systemd/system/rke2*.service; do
    [ -s "$service" ] && systemctl stop "$(basename "$service")"
done
exit 0
EOF
    cat >"$bin/rke2-uninstall.sh" <<'EOF'
#!/bin/sh
set -e
[ "$(id -u)" -eq 0 ] || exec sudo "$0" "$@"
for unit in rke2-server rke2-agent; do
    systemctl stop "$unit" 2>/dev/null || true
    systemctl disable "$unit" 2>/dev/null || true
done
rm -f /etc/systemd/system/rke2-server.service /etc/systemd/system/rke2-agent.service
rm -rf /etc/rancher/rke2 /etc/rancher/node /var/lib/rancher/rke2 /var/lib/kubelet
# One install path per line: the installer rewrites the first /usr/local of each line for other prefixes.
rm -rf /usr/local/lib/systemd/system/rke2-server.env
rm -rf /usr/local/lib/systemd/system/rke2-agent.env
rm -f /usr/local/bin/rke2
rm -f /usr/local/bin/rke2-killall.sh
rm -f /usr/local/bin/rke2-uninstall.sh
systemctl daemon-reload
EOF
    chmod 755 "$bin/rke2-killall.sh" "$bin/rke2-uninstall.sh"
}

do_install_tar() {
    get_release_version
    info "using ${INSTALL_RKE2_VERSION} as release"
    info "downloading checksums at https://github.com/rancher/rke2/releases/download/${INSTALL_RKE2_VERSION}/sha256sum-amd64.txt"
    info "downloading tarball at https://github.com/rancher/rke2/releases/download/${INSTALL_RKE2_VERSION}/rke2.linux-amd64.tar.gz"
    info "verifying tarball"
    info "unpacking tarball file to ${INSTALL_RKE2_TAR_PREFIX}"
    mkdir -p "${INSTALL_RKE2_TAR_PREFIX}/bin" "${INSTALL_RKE2_TAR_PREFIX}/lib/systemd/system" "${INSTALL_RKE2_TAR_PREFIX}/share/rke2"
    write_binary "${INSTALL_RKE2_TAR_PREFIX}/bin/rke2"
    write_scripts
    write_unit server server notify agent
    write_unit agent agent exec server
    if [ "${INSTALL_RKE2_TAR_PREFIX}" != "${DEFAULT_TAR_PREFIX}" ]; then
        info "updating tarball contents to reflect install path"
        sed -i "s|${DEFAULT_TAR_PREFIX}|${INSTALL_RKE2_TAR_PREFIX}|" "${INSTALL_RKE2_TAR_PREFIX}"/lib/systemd/system/rke2-*.service "${INSTALL_RKE2_TAR_PREFIX}/bin/rke2-uninstall.sh"
        info "moving systemd units to /etc/systemd/system"
        mkdir -p /etc/systemd/system
        mv -f "${INSTALL_RKE2_TAR_PREFIX}"/lib/systemd/system/rke2-*.service /etc/systemd/system/
        info "install complete; you may want to run:  export PATH=\$PATH:${INSTALL_RKE2_TAR_PREFIX}/bin"
    fi
    if [ -z "${INSTALL_RKE2_SKIP_RELOAD}" ]; then
        systemctl daemon-reload
    fi
}

do_install() {
    setup_env
    case ${INSTALL_RKE2_METHOD} in
        yum | rpm | dnf)
            command -v yum >/dev/null 2>&1 || fatal "Can not perform ${INSTALL_RKE2_METHOD} install: yum is not available on this host"
            fatal "Can not reach the rpm.rancher.io repositories from this host" ;;
        *) do_install_tar ;;
    esac
}

do_install
exit 0
