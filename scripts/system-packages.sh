#!/usr/bin/env bash
# Install the system packages the test suite needs when they are missing (list:
# scripts/system-packages.txt), so `make test` works on a fresh machine by itself.  As root,
# or with password-less sudo, it installs them with apt-get; otherwise it names the missing
# packages and the command to run, and exits 1 before any test starts.
#
#   scripts/system-packages.sh [LIST]
set -uo pipefail
list=${1:-"$(dirname "$0")/system-packages.txt"}

missing=()
while read -r packages probe; do
  [[ -z $packages || $packages == \#* ]] && continue
  bash -c "$probe" >/dev/null 2>&1 || missing+=(${packages//,/ })
done <"$list"
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=env
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=sudo
else
  as_root=
fi
if [ -n "$as_root" ] && command -v apt-get >/dev/null; then
  echo "安装测试所需的系统软件包 / installing: ${missing[*]}" >&2
  $as_root apt-get update -qq &&
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null &&
    exit 0
  echo "apt-get 安装失败 / apt-get could not install them." >&2
fi

cat >&2 <<MESSAGE
测试需要以下系统软件包，本机缺少且无法自动安装（需要 root 或免密 sudo，以及 apt-get）：
The tests need these system packages, which are missing and cannot be installed here
(that takes root or password-less sudo, and apt-get):

    ${missing[*]}

请由管理员运行 / ask an administrator to run:

    sudo apt-get update && sudo apt-get install -y ${missing[*]}

然后重新运行 make test。Then run make test again.
MESSAGE
exit 1
