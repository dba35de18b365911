/** The one error type of the lspci/setpci front-end: callers can tell a user error from a bug. */
export class PciToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PciToolError';
  }
}
