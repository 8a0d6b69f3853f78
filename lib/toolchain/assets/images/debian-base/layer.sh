# The layer every Debian-based guide image shares: the release's security and point updates, gosu
# (the official database images drop from root to their server user with it) and tzdata.
apt-get upgrade -y -q
install_packages gosu tzdata
gosu nobody true
