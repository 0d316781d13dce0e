/** An error meant for the user: its message is Japanese and complete, so the CLI prints it without a stack. */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'UserError';
  }
}
