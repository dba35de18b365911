/**
 * The driver's user-space interface, as Jailhouse's include/jailhouse/jailhouse.h (the header
 * the tool and the driver share): the /dev/jailhouse ioctl numbers and the layouts of the
 * structures they take. The `jailhouse` tool and the driver both use these offsets; nothing
 * else is shared between them.
 */

/** _IOW(0, 0, void *): enable with the root cell's configuration at the argument. */
export const JAILHOUSE_ENABLE = 0x40080000;
/** _IO(0, 1) */
export const JAILHOUSE_DISABLE = 0x00000001;
/** _IOW(0, 2, struct jailhouse_cell_create) */
export const JAILHOUSE_CELL_CREATE = 0x40100002;
/** _IOW(0, 3, struct jailhouse_cell_load) */
export const JAILHOUSE_CELL_LOAD = 0x40300003;
/** _IOW(0, 4, struct jailhouse_cell_id) */
export const JAILHOUSE_CELL_START = 0x40280004;
/** _IOW(0, 5, struct jailhouse_cell_id) */
export const JAILHOUSE_CELL_DESTROY = 0x40280005;

/** JAILHOUSE_CELL_ID_UNUSED: select the cell by name. */
export const JAILHOUSE_CELL_ID_UNUSED = -1;
/** JAILHOUSE_CELL_ID_NAMELEN: name bytes, NUL included. */
export const JAILHOUSE_CELL_ID_NAMELEN = 32;

/** struct jailhouse_cell_create { __u64 config_address; __u32 config_size; __u32 padding; } */
export const CellCreate = { CONFIG_ADDRESS: 0, CONFIG_SIZE: 8, SIZE: 16 } as const;

/** struct jailhouse_cell_id { __s32 id; __u32 padding; char name[JAILHOUSE_CELL_ID_NAMELEN]; } */
export const CellId = { ID: 0, NAME: 8, SIZE: 40 } as const;

/** struct jailhouse_cell_load { struct jailhouse_cell_id cell_id; __u32 num_preload_images; __u32 padding; struct jailhouse_preload_image image[]; } */
export const CellLoad = { CELL_ID: 0, NUM_PRELOAD_IMAGES: 40, IMAGE: 48, SIZE: 48 } as const;

/** struct jailhouse_preload_image { __u64 source_address; __u64 size; __u64 target_address; __u64 padding; } */
export const PreloadImage = { SOURCE_ADDRESS: 0, SIZE_FIELD: 8, TARGET_ADDRESS: 16, SIZE: 32 } as const;

/** The ioctl names by number (logs). */
export const IOCTL_NAMES: ReadonlyMap<number, string> = new Map([
  [JAILHOUSE_ENABLE, 'JAILHOUSE_ENABLE'], [JAILHOUSE_DISABLE, 'JAILHOUSE_DISABLE'], [JAILHOUSE_CELL_CREATE, 'JAILHOUSE_CELL_CREATE'],
  [JAILHOUSE_CELL_LOAD, 'JAILHOUSE_CELL_LOAD'], [JAILHOUSE_CELL_START, 'JAILHOUSE_CELL_START'], [JAILHOUSE_CELL_DESTROY, 'JAILHOUSE_CELL_DESTROY'],
]);
