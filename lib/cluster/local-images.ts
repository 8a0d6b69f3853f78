import { IMAGE_CATALOG } from '../toolchain/image-catalog.js';

/**
 * What a local image the offline toolchain built stands in for, from the explicit image catalog
 * (lib/toolchain/image-catalog.ts): the MariaDB image stands in for mysql, FerretDB for mongo.
 * Names alone would not say so.
 */
export function standsInFor(localImage: string): string | undefined {
  return IMAGE_CATALOG.find((entry) => entry.local === localImage)?.official;
}
