// Parse a GIFT file (standard input) with gift-pegjs, an independent GIFT parser,
// and print what it found as JSON: each question's type, title and answer count.
// Used by tests/bank/test_interop.py only.
const { parse } = require("gift-pegjs");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  try {
    const questions = parse(input).filter((q) => q.type !== "Category");
    const summary = questions.map((q) => ({
      type: q.type,
      title: q.title,
      choices: Array.isArray(q.choices) ? q.choices.length : null,
      weights: Array.isArray(q.choices) ? q.choices.map((c) => c.weight) : null,
      feedback: Array.isArray(q.choices) ? q.choices.map((c) => (c.feedback ? c.feedback.text : null)) : null,
      matchPairs: Array.isArray(q.matchPairs) ? q.matchPairs.length : null,
      globalFeedback: q.globalFeedback ? q.globalFeedback.text : null,
    }));
    process.stdout.write(JSON.stringify({ ok: true, questions: summary }));
  } catch (error) {
    const where = error.location ? error.location.start : null;
    process.stdout.write(JSON.stringify({ ok: false, message: error.message, where }));
  }
});
