#!/usr/bin/env bash
# Makes the ext2 image fuzzer's seed images (tests/fuzz/corpus/ext2_image/seed-*.img) with
# mke2fs -d: small (64-256 KiB) so that each run is quick, in the layouts the driver reads
# (ext2 block maps with an indirect block, ext4 extents, 1 KiB and 4 KiB blocks, an htree
# directory, metadata_csum), each holding files, directories and fast and slow symlinks.
#
#   tests/fuzz/make_ext2_seed_corpus.sh [OUT_DIR]
set -euo pipefail

out=${1:-$(dirname "$0")/corpus/ext2_image}
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT

# The tree every image starts from.
mkdir -p "$tree/sub/deeper" "$tree/empty"
printf 'hello\n' >"$tree/a"
head -c 14000 /dev/zero | tr '\0' 'x' >"$tree/sub/indirect"  # past 12 direct 1 KiB blocks
printf 'z' >"$tree/sub/deeper/z"
ln -s a "$tree/l"
ln -s "$(printf 'sub/deeper/%.0s' {1..8})z" "$tree/sub/slow-link"  # over 60 bytes: a block
ln "$tree/a" "$tree/sub/a-again"

# Fixed UUIDs, hash seed and times, so that the images are the same on every run.
export E2FSPROGS_FAKE_TIME=1700000000
make_image() {
  local name=$1 blocks=$2
  shift 2
  rm -f "$out/$name"
  mke2fs -q -F -U 6a1f0d2e-4b3c-4d5e-8f90-a1b2c3d4e5f6 -E hash_seed=11111111-2222-3333-4444-555555555555,root_owner=0:0 \
    -N 32 -m 0 -d "$tree" "$@" "$out/$name" "$blocks" >/dev/null
}

make_image seed-ext2-1k.img 128 -t ext2 -b 1024 -O ^resize_inode
make_image seed-ext2-4k.img 64 -t ext2 -b 4096 -O ^resize_inode
make_image seed-ext4-1k.img 192 -t ext4 -b 1024 -O ^has_journal,^metadata_csum,^resize_inode
make_image seed-ext4-4k.img 64 -t ext4 -b 4096 -O ^has_journal,^metadata_csum,^resize_inode
make_image seed-ext4-csum.img 192 -t ext4 -b 1024 -O ^has_journal,^resize_inode

# An htree directory: enough names to need several 1 KiB blocks, indexed by e2fsck -D.
mkdir -p "$tree/many"
for i in $(seq 1 60); do : >"$tree/many/name-with-some-length-$i"; done
make_image seed-ext4-htree.img 256 -N 96 -t ext4 -b 1024 -O ^has_journal,^metadata_csum,^resize_inode
e2fsck -fyD "$out/seed-ext4-htree.img" >/dev/null || [[ $? -le 1 ]]
