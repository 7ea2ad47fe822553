/**
 * Host side: commands → a command line, the inverse of `CommandParser`.
 *
 * `parseLine(formatLine(commands, ""))` gives back `commands` for every valid command: an extended name
 * (`[+%#][A-Z0-9]+`) or a basic one (`[A-Z]` or `&[A-Z]`, set with one non-negative integer), safe integers,
 * strings without `"`, and at least one parameter for the set form. The formatter does not validate: a string
 * containing `"` is written as is and will not parse back.
 *
 * @since 0.1.0
 */
import * as Command from "./Command.ts"

const formatParameter = (param: Command.Parameter): string => {
  switch (param._tag) {
    case "Integer":
      return String(param.value)
    case "String":
      return `"${param.value}"`
    case "Empty":
      return ""
  }
}

/**
 * One command without `AT`: `+CFUN` set `[4]` → `+CFUN=4`, `%JWT` execute → `%JWT`, `+CFUN` read → `+CFUN?`,
 * test → `+CFUN=?`; a basic command's number follows its name directly: `E` set `[0]` → `E0`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatCommand = (command: Command.Command): string => {
  switch (command.form) {
    case "execute":
      return command.name
    case "read":
      return `${command.name}?`
    case "test":
      return `${command.name}=?`
    case "set": {
      const params = command.params.map(formatParameter).join(",")
      return Command.isExtendedName(command.name) ? `${command.name}=${params}` : `${command.name}${params}`
    }
  }
}

/**
 * A command line: `AT`, the commands joined by `;`, then the terminator (default `\r\n`). No commands gives `AT`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatLine = (commands: ReadonlyArray<Command.Command>, terminator = "\r\n"): string =>
  `AT${commands.map(formatCommand).join(";")}${terminator}`
