#!/bin/sh
set -e
mkdir -p /srv/app
printf "%s\n" "$@" > /srv/app/args
echo "installed $1"
