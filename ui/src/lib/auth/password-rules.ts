/** The gateway refuses shorter passwords (POST /api/auth/password, POST/PATCH /api/users). */
export const MIN_PASSWORD_LENGTH = 12;

/** What is wrong with a new password before it is sent; empty when it may go. */
export function newPasswordProblems(password: string, confirm: string): string[] {
  const problems: string[] = [];
  if (password.length < MIN_PASSWORD_LENGTH)
    problems.push(`The password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
  if (password !== confirm) problems.push('The two passwords differ.');
  return problems;
}

/** The account form's problems: the current password is required once one is set. */
export function passwordChangeProblems(form: {
  hasPassword: boolean;
  current: string;
  password: string;
  confirm: string;
}): string[] {
  const problems = form.hasPassword && form.current === '' ? ['Enter your current password.'] : [];
  return [...problems, ...newPasswordProblems(form.password, form.confirm)];
}
