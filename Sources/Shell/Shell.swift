// The command language: lexer, parser, command table, interpreter, completion and
// the libedit line editor.
