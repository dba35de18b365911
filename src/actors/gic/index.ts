/**
 * GIC actor: the interrupt controller's shared state. So far the redistributors' SGI pending
 * bits and the list-register stand-in for virtual SGIs (sgi.ts); the full GICv3 distributor,
 * redistributors and CPU interface come with the interrupts capability.
 */
export { GicWord, LinuxIpi, SGI_EVENT, SGI_INJECT, ackPhysicalSgis, gicSabSize, gicWord, hasPendingSgi, sendPhysicalSgi } from './sgi.js';
