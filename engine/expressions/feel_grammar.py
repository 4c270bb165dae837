"""The FEEL grammar (DMN 1.3-1.5) for lark's LALR parser.

Names may hold spaces (``Monthly Salary``): a run of words that is not a keyword is one
name, joined with single spaces. Built-in names that contain a keyword (``date and time``,
``years and months duration``) and ``instance of`` are lexed as single tokens.
"""

from lark import Lark

GRAMMAR = r"""
?start: expr
unary_tests: positive_unary_test ("," positive_unary_test)*

?positive_unary_test: ut_op additive         -> ut_compare
                    | expr                   -> ut_expr

?expr: for_expr | if_expr | quantified | func_def | disjunction

for_expr: "for" iteration ("," iteration)* "return" expr
iteration: name "in" disjunction [".." disjunction]
if_expr: "if" expr "then" expr "else" expr
quantified: QUANTIFIER iteration ("," iteration)* "satisfies" expr
func_def: "function" "(" [params] ")" expr
params: param ("," param)*
param: name [":" type]

?disjunction: disjunction "or" conjunction   -> or_op
            | conjunction
?conjunction: conjunction "and" comparison   -> and_op
            | comparison
?comparison: additive cmp_op additive              -> compare
           | additive "between" additive "and" additive -> between
           | additive "in" in_tests                -> in_op
           | additive INSTANCE_OF type             -> instance_of
           | additive
in_tests: ut_op additive                           -> in_compare
        | additive                                 -> in_value
        | "(" positive_unary_test ("," positive_unary_test)+ ")" -> in_list

?additive: additive "+" multiplicative  -> add
         | additive "-" multiplicative  -> sub
         | multiplicative
?multiplicative: multiplicative "*" power -> mul
               | multiplicative "/" power -> div
               | power
?power: power "**" negation             -> pow
      | negation
?negation: "-" negation                 -> neg
         | postfix
?postfix: primary
        | postfix "." name              -> path
        | postfix "[" expr "]"          -> filter
        | postfix "(" [arguments] ")"   -> invoke
arguments: expr ("," expr)*             -> positional
         | named ("," named)*           -> named_args
named: name ":" expr

?primary: NUMBER                        -> number
        | STRING                        -> string
        | "@" STRING                    -> temporal
        | "true"                        -> true
        | "false"                       -> false
        | "null"                        -> null
        | name                          -> var
        | "?"                           -> input_value
        | "(" expr ")"
        | "[" [expr ("," expr)*] "]"    -> list
        | "{" [entry ("," entry)*] "}"  -> context
        | range
entry: (name | STRING) ":" expr
!range: ("[" | "(" | "]") expr ".." endpoint ("]" | ")" | "[")
?endpoint: NUMBER                       -> number
         | "-" NUMBER                   -> neg_number
         | STRING                       -> string
         | "@" STRING                   -> temporal
         | name                         -> var
         | endpoint "." name            -> path
         | name "(" [arguments] ")"     -> endpoint_call

name: NAME+ | SPACED_BUILTIN
type: name ("<" type ("," type)* ">")?
    | name "<" name ":" type ">"

QUANTIFIER.2: /(some|every)(?![\w?'])/
SPACED_BUILTIN.3: /(date and time|years and months duration)(?![\w])/
INSTANCE_OF.3: /instance\s+of(?![\w])/
!ut_op: "<=" | ">=" | "<" | ">"
!cmp_op: "=" | "!=" | "<=" | ">=" | "<" | ">"
NAME: /[^\W\d][\w']*/
NUMBER: /\d+(\.\d+)?|\.\d+/
STRING: /"(\\.|[^"\\])*"/
%ignore /\s+/
%ignore /\/\/[^\n]*/
%ignore /\/\*(.|\n)*?\*\//
"""

PARSER = Lark(
    GRAMMAR,
    parser="lalr",
    start=["start", "unary_tests"],
    propagate_positions=True,
    maybe_placeholders=True,
)
