# Rendered by `pinbench report`; run `gnuplot plots.gp` in this folder to redo it by hand.
# Error bars: the 95% confidence interval of the median (order statistics); n: verified runs per point.
set datafile missing "?"
set key left top
set grid
set xlabel "threads"
set style data yerrorlines
set offsets graph 0.05, graph 0.05, 0, 0  # error bars at the first and last thread count stay inside
png_terminal = (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) ? "pngcairo" : "png"
