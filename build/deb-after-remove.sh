#!/bin/sh
# After `apt remove openclaw-desktop`: the user's data is theirs and stays.
set -e
if [ "$1" = "remove" ] || [ "$1" = "purge" ]; then
  echo "OpenClaw Desktop was removed. Your gateway data in ~/.openclaw (configuration, conversations, paired devices) was kept; delete that folder yourself if you no longer need it. Docker containers and images stay on your engine: remove them with 'docker compose down' in the app's stack folder."
fi
exit 0
