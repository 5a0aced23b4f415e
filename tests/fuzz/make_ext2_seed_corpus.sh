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

# Fixed UUIDs, hash seed and times, so that images differ between runs only in the inode
# change times that mke2fs -d copies from the files here.
export E2FSPROGS_FAKE_TIME=1700000000
make_image() {
  local name=$1 blocks=$2
  shift 2
  find "$tree" -exec touch -h -d @1700000000 {} +
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

# Journalled images. mke2fs and debugfs insist on journals of 1024 blocks or more (1 MiB here),
# so the journal is made by hand: a 96 KiB file becomes inode 8, with a jbd2 v2 superblock in
# its first block (Documentation/filesystems/ext4/journal.rst). seed-ext4-journal.img is clean;
# seed-ext4-journal-recover.img holds one committed transaction (a new first block for "a") and
# needs recovery.
rm -rf "$tree/many"
head -c 98304 /dev/zero | tr '\0' 'j' >"$tree/journal-file"
make_image seed-ext4-journal.img 256 -t ext4 -b 1024 -O ^has_journal,^metadata_csum,^resize_inode
image=$out/seed-ext4-journal.img
ino=$(debugfs -R "stat journal-file" "$image" 2>/dev/null | sed -n 's/^Inode: \([0-9]*\).*/\1/p')
python3 - "$image" "$ino" \
  "$(debugfs -R "stat journal-file" "$image" 2>/dev/null | grep -A1 EXTENTS | tail -1)" \
  "$(debugfs -R "imap <$ino>" "$image" 2>/dev/null)" "$(debugfs -R "imap <8>" "$image" 2>/dev/null)" \
  "$(debugfs -R "stat a" "$image" 2>/dev/null | grep -A1 EXTENTS | tail -1)" <<'EOF'
import re, struct, sys
path, ino, extents, imap_file, imap_journal, extents_a = sys.argv[1:]
ino, B = int(ino), 1024
def where(imap):
    m = re.search(r'block (\d+), offset 0x([0-9a-f]+)', imap)
    return int(m.group(1)) * B + int(m.group(2), 16)
log = []
for first, last in re.findall(r'\(\d+(?:-\d+)?\):(\d+)(?:-(\d+))?', extents):
    log += range(int(first), int(last or first) + 1)
assert len(log) == 96, log
block_of_a = int(re.search(r'\(0\):(\d+)', extents_a).group(1))
img = bytearray(open(path, 'rb').read())
# The file's inode becomes the journal inode (8); its entry goes and its inode is freed.
src, dst = where(imap_file), where(imap_journal)
inode = bytearray(img[src:src + 256])
struct.pack_into('<H', inode, 0, 0o100600)
img[dst:dst + 256], img[src:src + 256] = inode, bytes(256)
gd, sb = 2 * B, 1024
bitmap = struct.unpack_from('<I', img, gd + 4)[0] * B
img[bitmap + (ino - 1) // 8] &= ~(1 << ((ino - 1) % 8)) & 0xff
struct.pack_into('<H', img, gd + 0xE, struct.unpack_from('<H', img, gd + 0xE)[0] + 1)
struct.pack_into('<I', img, sb + 0x10, struct.unpack_from('<I', img, sb + 0x10)[0] + 1)
for b in log: img[b * B:(b + 1) * B] = bytes(B)
# jbd2 superblock v2: block size, s_maxlen 96, s_first 1, s_sequence 1, s_start 0 (clean).
jsb = log[0] * B
struct.pack_into('>IIIIIIII', img, jsb, 0xC03B3998, 4, 0, B, 96, 1, 1, 0)
struct.pack_into('<I', img, sb + 0x5C, struct.unpack_from('<I', img, sb + 0x5C)[0] | 0x4)  # has_journal
struct.pack_into('<I', img, sb + 0xE0, 8)  # s_journal_inum
open(path, 'wb').write(img)
# Descriptor (one tag: "a"'s block, last tag), the data, the commit; s_start 1; needs_recovery.
struct.pack_into('>IIIIHH', img, log[1] * B, 0xC03B3998, 1, 1, block_of_a, 0, 8)
img[log[2] * B:log[3] * B] = b'recovered by journal replay\n'.ljust(B, b'\0')
struct.pack_into('>III', img, log[3] * B, 0xC03B3998, 2, 1)
struct.pack_into('>I', img, jsb + 28, 1)
struct.pack_into('<I', img, sb + 0x60, struct.unpack_from('<I', img, sb + 0x60)[0] | 0x4)
open(path.replace('.img', '-recover.img'), 'wb').write(img)
EOF
debugfs -w -R "unlink journal-file" "$image" >/dev/null 2>&1
debugfs -w -R "unlink journal-file" "${image%.img}-recover.img" >/dev/null 2>&1
