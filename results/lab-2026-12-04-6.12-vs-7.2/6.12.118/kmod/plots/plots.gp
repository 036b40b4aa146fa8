# Rendered by `pinbench report`; run `gnuplot plots.gp` in this folder to redo it by hand.
# Error bars: the 95% confidence interval of the median (order statistics); n: verified runs per point.
set datafile missing "?"
set key left top
set grid
set xlabel "threads"
set style data yerrorlines
set offsets graph 0.05, graph 0.05, 0, 0  # error bars at the first and last thread count stay inside
png_terminal = (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) ? "pngcairo" : "png"

# kmod, anon, 512M
unset logscale x
set xtics ("2" 2)
set title "kmod, anon, 512M: pin speedup over single, 95% CI error bars"
set ylabel "pin speedup over single"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "kmod-anon-512M-speedup.svg"
plot "kmod-anon-512M.dat" using 1:2:3:4 title "kernel (n = 20)", \
     x with lines dashtype 2 linecolor rgb "gray40" title "ideal"
set terminal png_terminal size 800,500
set output "kmod-anon-512M-speedup.png"
replot
unset output
set title "kmod, anon, 512M: pin GiB/s, 95% CI error bars"
set ylabel "pin GiB/s"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "kmod-anon-512M-gibs.svg"
plot "kmod-anon-512M.dat" using 1:5:6:7 title "kernel (n = 20)", \
     "kmod-anon-512M.dat" using 1:8 with lines dashtype 2 linecolor rgb "gray40" title "single, 1 thread (n = 20)"
set terminal png_terminal size 800,500
set output "kmod-anon-512M-gibs.png"
replot
unset output

# kmod, thp, 512M
unset logscale x
set xtics ("2" 2)
set title "kmod, thp, 512M: pin speedup over single, 95% CI error bars"
set ylabel "pin speedup over single"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "kmod-thp-512M-speedup.svg"
plot "kmod-thp-512M.dat" using 1:2:3:4 title "kernel (n = 20)", \
     x with lines dashtype 2 linecolor rgb "gray40" title "ideal"
set terminal png_terminal size 800,500
set output "kmod-thp-512M-speedup.png"
replot
unset output
set title "kmod, thp, 512M: pin GiB/s, 95% CI error bars"
set ylabel "pin GiB/s"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "kmod-thp-512M-gibs.svg"
plot "kmod-thp-512M.dat" using 1:5:6:7 title "kernel (n = 20)", \
     "kmod-thp-512M.dat" using 1:8 with lines dashtype 2 linecolor rgb "gray40" title "single, 1 thread (n = 20)"
set terminal png_terminal size 800,500
set output "kmod-thp-512M-gibs.png"
replot
unset output

# kmod, hugetlb-2m, 512M
unset logscale x
set xtics ("2" 2)
set title "kmod, hugetlb-2m, 512M: pin speedup over single, 95% CI error bars"
set ylabel "pin speedup over single"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "kmod-hugetlb-2m-512M-speedup.svg"
plot "kmod-hugetlb-2m-512M.dat" using 1:2:3:4 title "kernel (n = 20)", \
     x with lines dashtype 2 linecolor rgb "gray40" title "ideal"
set terminal png_terminal size 800,500
set output "kmod-hugetlb-2m-512M-speedup.png"
replot
unset output
set title "kmod, hugetlb-2m, 512M: pin GiB/s, 95% CI error bars"
set ylabel "pin GiB/s"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "kmod-hugetlb-2m-512M-gibs.svg"
plot "kmod-hugetlb-2m-512M.dat" using 1:5:6:7 title "kernel (n = 20)", \
     "kmod-hugetlb-2m-512M.dat" using 1:8 with lines dashtype 2 linecolor rgb "gray40" title "single, 1 thread (n = 20)"
set terminal png_terminal size 800,500
set output "kmod-hugetlb-2m-512M-gibs.png"
replot
unset output

# The headline: every group at its largest thread count
unset logscale x
set offsets 0, 0, 0, 0
set xtics autofreq rotate by -30
set xlabel ""
set style data histograms
set style histogram errorbars gap 2 lw 1
set style fill solid 0.6 border -1
set key left top
set title "pin GiB/s by strategy at the largest thread count (95% CI error bars, n = 20)"
set ylabel "pin GiB/s"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "headline-gibs.svg"
plot "headline.dat" using 2:3:4:xtic(1) title "single", \
     "headline.dat" using 5:6:7 title "user", \
     "headline.dat" using 8:9:10 title "kernel"
set terminal png_terminal size 800,500
set output "headline-gibs.png"
replot
unset output
