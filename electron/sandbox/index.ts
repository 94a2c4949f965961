// The training sandbox as one module: the sandbox Odoo, the sandbox carriers (ShipEngine, Shippo), the
// printer sink and the scale simulator.
// Only the entry points load it, with import() at run time (entry/sandbox-loader.ts), so the live
// station's bundles do not carry it; it is built as its own bundle, dist/core/sandbox.mjs.
export { startSandboxOdoo, type SandboxOdoo } from './odoo/server';
export { startPrinterSink, type PrinterSink } from './printer-sink';
export { startScaleSimulator, type ScaleSimulator } from './scale-simulator';
export { SANDBOX_ODOO_CARRIERS, SANDBOX_CONNECTOR_CARRIERS } from './odoo/seed';
export { startSandboxShipEngine, type SandboxShipEngine } from './carriers/shipengine';
export { startSandboxShippo, type SandboxShippo } from './carriers/shippo';
export { markShipped, nextLabelNumber, ordersToTry, type ShippedOrder } from './training';
