# shellcheck shell=bash
# A private sshd for the ssh:// tests: 127.0.0.1 on a free high port, a host key and a client key made for this run,
# key-only login as root, and `SetEnv DOCKER_HOST=unix://DIR/docker.sock` so that `docker system dial-stdio` on the
# "remote" side reaches the private engine. Never touches the system's sshd or ~/.ssh.
#
#   vt_sshd_start DIR SOCKET   -- starts it in DIR/sshd; exports VOLTOP_TEST_SSH_HOST (ssh://vt-engine) and
#                                 VOLTOP_TEST_SSH_CONFIG (a client config naming the port, key and known_hosts)
#   vt_sshd_stop DIR           -- stops it (safe to call twice, and when it never started)

vt_sshd_start() {
    local dir="$1/sshd" socket=$2 port i
    if [ ! -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null 2>&1 || ! command -v ssh-keygen >/dev/null 2>&1; then
        vt_log "no sshd/ssh here: the ssh:// tests will say so"
        return 0
    fi
    mkdir -p "$dir" && chmod 700 "$dir"
    ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key" -C vt-host >/dev/null
    ssh-keygen -q -t ed25519 -N '' -f "$dir/client_key" -C vt-client >/dev/null
    cp "$dir/client_key.pub" "$dir/authorized_keys"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # sshd's privilege separation directory.
    mkdir -p /run/sshd && chmod 755 /run/sshd
    cat >"$dir/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
MaxStartups 64:30:128
MaxSessions 64
SetEnv DOCKER_HOST=unix://$socket
CONF
    /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log" || { vt_log "sshd did not start: $(tail -3 "$dir/sshd.log")"; return 0; }
    printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$dir/host_key.pub")" >"$dir/known_hosts"
    cat >"$dir/ssh_config" <<CONF
Host vt-engine
    HostName 127.0.0.1
    Port $port
    User root
    IdentityFile $dir/client_key
    IdentitiesOnly yes
    UserKnownHostsFile $dir/known_hosts
    StrictHostKeyChecking yes
    LogLevel ERROR
Host vt-unknown-key
    HostName 127.0.0.1
    Port $port
    User root
    IdentityFile $dir/client_key
    IdentitiesOnly yes
    UserKnownHostsFile /dev/null
    StrictHostKeyChecking yes
Host vt-wrong-user
    HostName 127.0.0.1
    Port $port
    User nobody
    IdentityFile $dir/client_key
    IdentitiesOnly yes
    UserKnownHostsFile $dir/known_hosts
    StrictHostKeyChecking yes
CONF
    for ((i = 0; i < 50; i++)); do
        ssh -F "$dir/ssh_config" -o BatchMode=yes vt-engine true 2>/dev/null && break
        sleep 0.2
    done
    export VOLTOP_TEST_SSH_HOST="ssh://vt-engine"
    export VOLTOP_TEST_SSH_CONFIG="$dir/ssh_config"
    vt_log "private sshd on 127.0.0.1:$port (VOLTOP_TEST_SSH_HOST=$VOLTOP_TEST_SSH_HOST)"
}

vt_sshd_stop() {
    local dir="$1/sshd" pid
    [ -f "$dir/sshd.pid" ] || return 0
    pid=$(cat "$dir/sshd.pid" 2>/dev/null || true)
    # Only the sshd this script started: its command line names this config.
    if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$dir/sshd_config"; then
        kill "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/sshd.pid"
}
