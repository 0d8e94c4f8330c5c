// Types of table.js for the TypeScript tests.
export function formatReport(result: object): string;
